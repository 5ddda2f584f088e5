package dev.kiln.image.registry;

import dev.kiln.common.Digest;
import dev.kiln.common.ImageRef;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.ImageIndex;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.oci.MediaTypes;
import dev.kiln.image.oci.OciJson;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;

/**
 * Pushes an image: its blobs (layers, then config), then the manifest, last, so that the image is
 * never visible in the registry before everything it refers to is there. An index pushes each of
 * its images by digest before the index itself.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-manifests">OCI
 *     distribution spec: pushing manifests</a>
 */
final class ImagePusher {

  private static final String ACTION = "pushing the manifest";

  private final RegistryTransport transport;
  private final ImageStore store;
  private final BlobPusher blobs;
  private final ProgressListener listener;
  private final Set<Digest> done = new HashSet<>();

  ImagePusher(
      RegistryTransport transport, ImageStore store, BlobPusher blobs, ProgressListener listener) {
    this.transport = transport;
    this.store = store;
    this.blobs = blobs;
    this.listener = listener;
  }

  /** Pushes everything {@code manifest} refers to, then the manifest as {@code target}. */
  Digest push(Descriptor manifest, ImageRef target) throws IOException {
    String type = manifest.mediaType();
    if (MediaTypes.INDEXES.contains(type)) {
      ImageIndex index = OciJson.read(store.readBlob(manifest.digest()), ImageIndex.class);
      for (Descriptor child : index.manifests()) {
        pushImageBlobs(child);
        putManifest(child, target.withDigest(child.digest()));
      }
    } else if (MediaTypes.IMAGE_MANIFESTS.contains(type)) {
      pushImageBlobs(manifest);
    } else {
      throw new IllegalArgumentException(
          "cannot push " + manifest.digest() + ": unsupported manifest media type " + type);
    }
    return putManifest(manifest, target);
  }

  private void pushImageBlobs(Descriptor manifest) throws IOException {
    Manifest m = store.readManifest(manifest.digest());
    for (Descriptor layer : m.layers()) {
      pushOnce(layer.digest());
    }
    pushOnce(m.config().digest());
  }

  private void pushOnce(Digest digest) throws IOException {
    if (done.add(digest)) {
      blobs.push(digest);
    }
  }

  private Digest putManifest(Descriptor manifest, ImageRef target) throws IOException {
    // The stored bytes, not a re-serialisation: the digest is of exactly these bytes.
    byte[] bytes = store.readBlob(manifest.digest());
    Digest digest = Digest.sha256(bytes);
    String reference =
        target.tag() != null && target.digest() == null ? target.tag() : digest.toString();
    RegistryTransport.Call put =
        RegistryTransport.Call.of("PUT", transport.repositoryUrl("/manifests/" + reference), ACTION)
            .header("Content-Type", manifest.mediaType())
            .body(() -> HttpRequest.BodyPublishers.ofByteArray(bytes), RegistryTransport.SHORT);
    HttpResponse<byte[]> r = transport.send(put);
    if (r.statusCode() != 201 && r.statusCode() != 200 && r.statusCode() != 202) {
      throw transport.unexpected(r, ACTION);
    }
    String header = r.headers().firstValue("Docker-Content-Digest").orElse(null);
    if (header != null && !header.equals(digest.toString())) {
      throw transport.failure(
          ACTION,
          r.statusCode(),
          "registry stored the manifest as " + header + ", not " + digest,
          1);
    }
    ImageRef pushed =
        reference.equals(digest.toString()) ? target.withDigest(digest) : target.withTag(reference);
    listener.manifestPushed(pushed, digest);
    return digest;
  }
}
