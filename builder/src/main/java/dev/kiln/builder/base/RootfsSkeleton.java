package dev.kiln.builder.base;

import dev.kiln.image.layer.LayerBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The smallest root filesystem a Linux container needs, the first layer of every base: mount points
 * ({@code /proc}, {@code /sys}, {@code /dev}, the runner's {@code /run/kiln}), a world- writable
 * {@code /tmp}, and {@code /etc/passwd} and {@code /etc/group} with {@code root} and {@code
 * nobody}, so that user lookups by id work.
 *
 * <p>No {@code /etc/nsswitch.conf}: glibc 2.34 and later read {@code files} for users and groups by
 * default and have that backend built into libc. No {@code /etc/hosts} or {@code /etc/resolv.conf}
 * either: the OCI runtime provides those.
 */
final class RootfsSkeleton {

  /** Top-level directories that merged-{@code /usr} hosts turn into links into {@code /usr}. */
  private static final List<String> MERGED_USR_LINKS =
      List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");

  static final String CREATED_BY =
      "kiln base: root filesystem skeleton (/tmp, /run/kiln, /proc, /sys, /dev, /etc/passwd,"
          + " /etc/group, merged-/usr links)";

  static final String PASSWD =
      "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";

  static final String GROUP = "root:x:0:\nnogroup:x:65534:\n";

  private RootfsSkeleton() {}

  /** The skeleton layer, with the host's merged-{@code /usr} links under {@code hostRoot}. */
  static LayerBuilder layer(Path hostRoot) throws IOException {
    LayerBuilder b =
        LayerBuilder.create()
            .addDirectory("/tmp", 01777)
            .addDirectory("/run", 0755)
            .addDirectory("/run/kiln", 0755)
            .addDirectory("/proc", 0555)
            .addDirectory("/sys", 0555)
            .addDirectory("/dev", 0755)
            .addDirectory("/root", 0700)
            .addDirectory("/etc", 0755)
            .addText("/etc/passwd", PASSWD, 0644)
            .addText("/etc/group", GROUP, 0644);
    addMergedUsrLinks(b, hostRoot);
    return b;
  }

  /**
   * Recreates {@code /bin -> usr/bin} and its siblings where the host has them, so that paths in
   * binaries and {@code ldd} output ({@code /lib64/ld-linux-x86-64.so.2}) resolve as on the host.
   */
  static void addMergedUsrLinks(LayerBuilder b, Path hostRoot) throws IOException {
    for (String name : MERGED_USR_LINKS) {
      Path p = hostRoot.resolve(name);
      if (Files.isSymbolicLink(p)) {
        b.addSymlink("/" + name, Files.readSymbolicLink(p).toString());
      }
    }
  }
}
