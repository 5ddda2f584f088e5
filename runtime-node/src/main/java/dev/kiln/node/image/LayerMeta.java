package dev.kiln.node.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * What the cache records about a layer next to it ({@code meta/<hex>.json}): its size, counted when
 * unpacked so that eviction need not walk trees. The file's mtime is the layer's last use.
 */
record LayerMeta(String diffId, long sizeBytes, int entries) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static LayerMeta read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), LayerMeta.class);
  }

  /** Writes atomically (temp file and rename), so readers never see half a file. */
  void write(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), this);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
