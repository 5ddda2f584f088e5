package dev.kiln.image.store;

import dev.kiln.common.Digest;

/** Received bytes do not hash to the digest they were announced with; nothing was stored. */
public final class BlobDigestMismatchException extends java.io.IOException {
  private final transient Digest expected;
  private final transient Digest actual;

  /** The blob announced as {@code expected} hashed to {@code actual}. */
  public BlobDigestMismatchException(Digest expected, Digest actual) {
    super(
        "blob digest mismatch: expected "
            + expected
            + " but the content hashes to "
            + actual
            + "; the blob was discarded");
    this.expected = expected;
    this.actual = actual;
  }

  /** The digest the blob was announced with. */
  public Digest expected() {
    return expected;
  }

  /** The digest of the bytes received. */
  public Digest actual() {
    return actual;
  }
}
