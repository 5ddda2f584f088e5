package dev.kiln.node.testing;

import dev.kiln.image.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What integration tests need from the machine. Without it a test is skipped with the reason,
 * except in CI ({@code CI=true}), where the machine is set up for it and a skip would hide a broken
 * setup: there the test fails.
 */
public final class Requirements {
  private Requirements() {}

  /** Root and an executable runc, as the container integration tests need. */
  public static void rootAndRunc() {
    require(
        "root".equals(System.getProperty("user.name")),
        "containers need root; running as " + System.getProperty("user.name"));
    require(runc() != null, "runc is not installed (apt-get install runc)");
  }

  /** The runc binary, or null. */
  public static Path runc() {
    for (String dir : new String[] {"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/sbin"}) {
      Path runc = Path.of(dir, "runc");
      if (Files.isExecutable(runc)) {
        return runc;
      }
    }
    return null;
  }

  /** Skips with {@code reason} when {@code condition} is false, or fails in CI. */
  public static void require(boolean condition, String reason) {
    Tools.require(condition, reason);
  }
}
