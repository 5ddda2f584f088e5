package dev.kiln.builder.image;

import dev.kiln.common.Digest;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.ImageIndex;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.oci.MediaTypes;
import dev.kiln.image.oci.OciJson;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** Copies images between two image stores (e.g. into an {@code --output oci:DIR} layout). */
public final class ImageTransfer {

  private ImageTransfer() {}

  /**
   * Copies the image (or index, with all its images) {@code manifest} from one store into another
   * and names it {@code name} there. Blobs the target has already are not copied. Every blob is
   * verified against its digest on the way.
   */
  public static void copy(ImageStore from, Descriptor manifest, ImageStore to, String name)
      throws IOException {
    for (Digest d : blobsOf(from, manifest)) {
      if (!to.hasBlob(d)) {
        try (InputStream in = from.openBlob(d)) {
          to.putBlob(in, d);
        }
      }
    }
    to.tag(
        name,
        new Descriptor(
            manifest.mediaType(), manifest.digest(), manifest.size(), null, manifest.platform()));
  }

  /** Every blob an image needs, the manifest last so a reader never sees it before its parts. */
  public static List<Digest> blobsOf(ImageStore store, Descriptor manifest) throws IOException {
    List<Digest> out = new ArrayList<>();
    collect(store, manifest, out);
    return out;
  }

  private static void collect(ImageStore store, Descriptor d, List<Digest> out) throws IOException {
    if (MediaTypes.INDEXES.contains(d.mediaType())) {
      for (Descriptor m : OciJson.read(store.readBlob(d.digest()), ImageIndex.class).manifests()) {
        collect(store, m, out);
      }
    } else if (MediaTypes.IMAGE_MANIFESTS.contains(d.mediaType())) {
      Manifest m = store.readManifest(d.digest());
      addOnce(out, m.config().digest());
      for (Descriptor layer : m.layers()) {
        addOnce(out, layer.digest());
      }
    }
    addOnce(out, d.digest());
  }

  private static void addOnce(List<Digest> out, Digest d) {
    if (!out.contains(d)) {
      out.add(d);
    }
  }
}
