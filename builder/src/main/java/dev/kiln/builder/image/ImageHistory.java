package dev.kiln.builder.image;

import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.ImageConfig;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An image's history as {@code docker history} shows it: newest step first, each with the layer it
 * made (none for metadata-only steps) and that layer's size.
 */
public final class ImageHistory {

  /**
   * One step.
   *
   * @param layer the layer's digest, or null for a step that changed metadata only
   * @param created when the step ran (Kiln images say the epoch, for reproducibility)
   * @param createdBy the instruction
   * @param size compressed size of its layer in bytes, 0 without one
   * @param comment what the step was for
   */
  public record Row(
      dev.kiln.common.Digest layer, String created, String createdBy, long size, String comment) {}

  private ImageHistory() {}

  /** The rows of an image in the store, newest first. */
  public static List<Row> of(ImageStore store, Descriptor manifestDescriptor) throws IOException {
    Manifest manifest = store.readManifest(manifestDescriptor.digest());
    ImageConfig config = store.readConfig(manifest.config().digest());
    List<Row> rows = new ArrayList<>();
    int layer = 0;
    for (ImageConfig.History h : config.history()) {
      Descriptor d = null;
      if (!h.isEmptyLayer() && layer < manifest.layers().size()) {
        d = manifest.layers().get(layer++);
      }
      rows.add(
          new Row(
              d == null ? null : d.digest(),
              h.created(),
              h.createdBy(),
              d == null ? 0 : d.size(),
              h.comment() == null ? "" : h.comment()));
    }
    // Images from other tools may have layers without history: list them too.
    while (layer < manifest.layers().size()) {
      Descriptor d = manifest.layers().get(layer++);
      rows.add(new Row(d.digest(), "", "", d.size(), ""));
    }
    java.util.Collections.reverse(rows);
    return rows;
  }
}
