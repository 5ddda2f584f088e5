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
      dataDir = Files.createTempDirectory("kiln-gateway-test-");
      db = EmbeddedDatabase.start(dataDir.resolve("postgres"), 0, dataDir.resolve("postgres.port"));
      return Map.of(
          "kiln.db.url", db.jdbcUrl(),
          "kiln.db.user", EmbeddedDatabase.USER,
          "kiln.data-dir", dataDir.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
