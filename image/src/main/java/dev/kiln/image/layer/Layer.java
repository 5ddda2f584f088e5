package dev.kiln.image.layer;

import dev.kiln.common.Digest;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.MediaTypes;

/**
 * A built layer blob.
 *
 * @param digest sha256 of the gzip blob, as written in the manifest
 * @param diffId sha256 of the uncompressed tar, as written in the config's {@code rootfs}
 * @param size size of the gzip blob in bytes
 */
public record Layer(Digest digest, Digest diffId, long size) {

  public Layer {
    if (digest == null || diffId == null) {
      throw new IllegalArgumentException("a layer needs both its digest and its diff_id");
    }
    if (size < 0) {
      throw new IllegalArgumentException("layer size is negative: " + size);
    }
  }

  /** The manifest descriptor of this layer. */
  public Descriptor descriptor() {
    return Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest, size);
  }
}
