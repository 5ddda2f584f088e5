package dev.kiln.gateway.testing;

import dev.kiln.gateway.boot.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real PostgreSQL (the same embedded server {@code kiln up} runs) and a fresh data directory for
 * the application under test.
 */
public class KilnTestResources implements QuarkusTestResourceLifecycleManager {

  private EmbeddedDatabase db;
  private Path dataDir;

  @Override
  public Map<String, String> start() {
    try {
      // Short: the node's container sockets live under <data-dir>/node (107-byte socket paths).
      dataDir = shortTempDir();
      db = EmbeddedDatabase.start(dataDir.resolve("postgres"), 0, dataDir.resolve("postgres.port"));
      return Map.of(
          "kiln.db.url", db.jdbcUrl(),
          "kiln.db.user", EmbeddedDatabase.USER,
          "kiln.data-dir", dataDir.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new directory such as {@code /tmp/kg-1a2b3c4d}. */
  public static Path shortTempDir() throws IOException {
    java.util.HexFormat hex = java.util.HexFormat.of();
    java.security.SecureRandom random = new java.security.SecureRandom();
    while (true) {
      byte[] id = new byte[4];
      random.nextBytes(id);
      Path dir = Path.of("/tmp", "kg-" + hex.formatHex(id));
      try {
        return Files.createDirectory(dir);
      } catch (java.nio.file.FileAlreadyExistsException taken) {
        // Another run has this name: draw again.
      }
    }
  }

  @Override
  public void stop() {
    if (db != null) {
      db.close();
    }
    if (dataDir != null) {
      try (Stream<Path> walk = Files.walk(dataDir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // A temporary directory: the OS cleans what is left.
      }
    }
  }
}
