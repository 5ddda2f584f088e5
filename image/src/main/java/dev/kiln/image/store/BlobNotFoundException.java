package dev.kiln.image.store;

import dev.kiln.common.Digest;
import java.nio.file.Path;

/** The store has no blob with this digest. */
public final class BlobNotFoundException extends java.io.IOException {
  private final transient Digest digest;

  /** No blob {@code digest} in the store at {@code store}. */
  public BlobNotFoundException(Path store, Digest digest) {
    super("image store " + store + " has no blob " + digest);
    this.digest = digest;
  }

  /** The missing digest. */
  public Digest digest() {
    return digest;
  }
}
