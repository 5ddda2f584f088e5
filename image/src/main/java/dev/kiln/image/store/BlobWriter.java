package dev.kiln.image.store;

import java.io.IOException;
import java.io.OutputStream;

/** Writes a blob's bytes; the store hashes and commits them when it returns. */
@FunctionalInterface
public interface BlobWriter {
  /** Writes the whole blob. Do not close {@code out}. */
  void write(OutputStream out) throws IOException;
}
