package dev.kiln.gateway.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <data-dir>/cli.json}: the gateway URL and a key, read by the {@code kiln} CLI. Written
 * with mode 0600, since it holds a key.
 */
public final class CliFile {

  /** Its name in the data directory. */
  public static final String NAME = "cli.json";

  private CliFile() {}

  /** Writes {@code {"url": url, "key": key}} to {@code dataDir/cli.json}, atomically. */
  public static Path write(Path dataDir, String url, String key) throws IOException {
    Files.createDirectories(dataDir);
    Path target = dataDir.resolve(NAME);
    Map<String, String> doc = new LinkedHashMap<>();
    doc.put("url", url);
    doc.put("key", key);
    Path part =
        Files.createTempFile(
            dataDir,
            ".cli",
            ".part",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(part, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(part);
    }
    return target;
  }
}
