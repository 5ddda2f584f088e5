package dev.kiln.node.image;

import dev.kiln.common.Digest;
import java.io.IOException;

/** A layer's bytes do not hash to the digest it was announced with; nothing was kept. */
public final class LayerDigestMismatchException extends IOException {
  private final transient Digest diffId;
  private final transient Digest expected;
  private final transient Digest actual;

  /** The {@code what} of layer {@code diffId} hashed to {@code actual}, not {@code expected}. */
  LayerDigestMismatchException(Digest diffId, String what, Digest expected, Digest actual) {
    super(
        "layer "
            + diffId
            + ": the "
            + what
            + " hashes to "
            + actual
            + ", not to "
            + expected
            + "; the unpacked layer was discarded");
    this.diffId = diffId;
    this.expected = expected;
    this.actual = actual;
  }

  /** The layer's announced diff_id. */
  public Digest diffId() {
    return diffId;
  }

  /** The digest the bytes were announced with. */
  public Digest expected() {
    return expected;
  }

  /** The digest of the bytes received. */
  public Digest actual() {
    return actual;
  }
}
