package dev.kiln.node.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Integration tests need root and overlayfs. Off CI they skip with the reason; with {@code CI=true}
 * the machine is expected to have both, so a missing one fails the test instead.
 */
public final class Privileges {
  private Privileges() {}

  /** Skips (or, in CI, fails) unless running as root on a kernel with overlayfs. */
  public static void requireRootAndOverlay() {
    String problem = null;
    try {
      if (((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) != 0) {
        problem = "needs root (mknod, lchown, trusted.* xattrs and mount are privileged)";
      } else if (!Files.readString(Path.of("/proc/filesystems")).contains("\toverlay\n")) {
        problem = "needs overlayfs in the kernel (modprobe overlay)";
      }
    } catch (IOException | RuntimeException e) {
      problem = "cannot tell whether this is root with overlayfs: " + e;
    }
    if (problem == null) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      fail("CI=true but this test " + problem);
    }
    Assumptions.abort("skipped: this test " + problem);
  }
}
