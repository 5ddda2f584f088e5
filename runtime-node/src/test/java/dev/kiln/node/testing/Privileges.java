package dev.kiln.node.testing;

import dev.kiln.image.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
    Tools.require(problem == null, problem);
  }
}
