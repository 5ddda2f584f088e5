package dev.kiln.node.image;

import dev.kiln.common.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a layer blob comes from: a stream of a gzip-compressed or plain tar (detected by the gzip
 * magic bytes), and, when known, the digest of the blob as stored (the manifest's layer digest).
 */
@FunctionalInterface
public interface LayerSource {

  /** Opens the blob; called at most once per unpack, and not at all when the layer is cached. */
  InputStream open() throws IOException;

  /** The digest of the blob bytes, verified while unpacking when present. */
  default Optional<Digest> compressedDigest() {
    return Optional.empty();
  }

  /** A blob in a file, digest unknown. */
  static LayerSource ofFile(Path blob) {
    return () -> Files.newInputStream(blob);
  }

  /** A blob in a file whose bytes must hash to {@code blobDigest}. */
  static LayerSource ofFile(Path blob, Digest blobDigest) {
    return new LayerSource() {
      @Override
      public InputStream open() throws IOException {
        return Files.newInputStream(blob);
      }

      @Override
      public Optional<Digest> compressedDigest() {
        return Optional.of(blobDigest);
      }
    };
  }
}
