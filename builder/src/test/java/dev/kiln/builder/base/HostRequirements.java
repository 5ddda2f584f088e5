package dev.kiln.builder.base;

import dev.kiln.image.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the base integration tests need from the machine. Without it a test skips with the reason,
 * except in CI ({@code CI=true}), where the machine is set up for them and a skip would hide a
 * broken setup, so it fails instead.
 */
final class HostRequirements {

  private HostRequirements() {}

  /**
   * Root, {@code chroot} and {@code unshare}, to run a base's runtime inside its unpacked root
   * filesystem with its own {@code /proc}.
   */
  static void rootAndChroot() {
    require(
        uid() == 0, "needs root to chroot into an unpacked base (running as uid " + uid() + ")");
    require(
        Files.isExecutable(Path.of("/usr/sbin/chroot"))
            || Files.isExecutable(Path.of("/usr/bin/chroot")),
        "needs the chroot command (coreutils)");
    require(Files.isExecutable(Path.of("/usr/bin/ldd")), "needs ldd (libc-bin)");
    require(
        Files.isExecutable(Path.of("/usr/bin/unshare")),
        "needs unshare (util-linux) to mount /proc for the chrooted runtime");
  }

  /** An executable the test builds a base from. */
  static void executable(Path p, String what) {
    require(Files.isExecutable(p), "needs " + what + " at " + p);
  }

  static void require(boolean met, String reason) {
    Tools.require(met, reason);
  }

  private static int uid() {
    try {
      // /proc/self belongs to the process looking at it.
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException e) {
      return -1;
    }
  }
}
