package dev.kiln.node.cell;

import dev.kiln.node.rootfs.OverlayMounter;
import dev.kiln.node.sys.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The host side of a stem cell's code directory: a shared mount point and the code on it. */
final class CodeMounts {
  private CodeMounts() {}

  /**
   * Creates {@code fnDir} and makes it a mount point with shared propagation: bound onto itself,
   * then {@code MS_SHARED}. A bind mount made on it later propagates to the container's slave copy.
   */
  static void prepareShared(Path fnDir) throws IOException {
    Files.createDirectories(fnDir);
    Libc.bindMount(fnDir, fnDir, false);
    Libc.setPropagation(fnDir, Libc.MS_SHARED);
  }

  /**
   * Mounts the function's code read-only on {@code fnDir}: a read-only bind of the one code
   * directory, or an overlay of several with lower dirs only.
   *
   * @param source names the mount in the mount table
   */
  static void mountCode(
      OverlayMounter overlays, String source, Path fnDir, List<Path> codeDirsTopFirst)
      throws IOException {
    if (codeDirsTopFirst.isEmpty()) {
      return;
    }
    if (codeDirsTopFirst.size() == 1) {
      Libc.bindMount(codeDirsTopFirst.get(0), fnDir, true);
    } else {
      overlays.mountReadOnly(source, codeDirsTopFirst, fnDir);
    }
  }
}
