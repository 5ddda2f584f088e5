package dev.kiln.node.rootfs;

import dev.kiln.node.sys.Errno;
import dev.kiln.node.sys.Libc;
import dev.kiln.node.sys.NativeCallException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Mounts overlayfs root filesystems for containers, through system calls (JNA), not {@code
 * mount(8)}.
 *
 * <p>With the new mount API each lower dir is its own {@code fsconfig(FSCONFIG_SET_STRING,
 * "lowerdir+", dir)} (Linux 6.8+), so an image may have as many layers as overlayfs stacks (500).
 * Where that is missing, the classic {@code mount(2)} takes every lower dir in one option string,
 * which must fit in a page (4096 bytes); beyond that the mount fails with a message saying so.
 *
 * @see <a href="https://docs.kernel.org/filesystems/overlayfs.html#multiple-lower-layers">
 *     overlayfs: multiple lower layers</a>
 */
public final class OverlayMounter {
  /** overlayfs's OVL_MAX_STACK. */
  static final int MAX_LOWER_DIRS = 500;

  /** fsconfig copies string values of at most 256 bytes (with NUL); longer paths go by fd. */
  private static final int FSCONFIG_MAX_STRING = 255;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  /** Which kernel interface to mount with; tests pin one, production uses {@link #AUTO}. */
  enum Api {
    /** The new mount API, falling back to classic mount(2) when the kernel lacks it. */
    AUTO,
    NEW,
    CLASSIC
  }

  private final Api api;

  OverlayMounter(Api api) {
    this.api = api;
  }

  /** A mounter that uses the best interface this kernel offers. */
  public static OverlayMounter create() {
    return new OverlayMounter(Api.AUTO);
  }

  /**
   * Creates {@code upper/}, {@code work/} and {@code rootfs/} under {@code containerDir} and mounts
   * at {@code rootfs/} an overlay of {@code lowerDirsTopFirst} (the image's top layer first) with
   * {@code upper/} as the container's writable layer.
   *
   * @param id the container id; names the mount ({@code kiln-<id>}) in the mount table
   */
  public ContainerRootfs create(String id, List<Path> lowerDirsTopFirst, Path containerDir)
      throws IOException {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "container id '" + id + "' must be 1-128 of [A-Za-z0-9_.-], starting alphanumeric");
    }
    List<Path> lowers = List.copyOf(lowerDirsTopFirst);
    Path dir = containerDir.toAbsolutePath().normalize();
    Path upper = dir.resolve("upper");
    Path work = dir.resolve("work");
    Path rootfs = dir.resolve("rootfs");
    for (Path p : List.of(upper, work, rootfs)) {
      Files.createDirectories(p);
    }
    ContainerRootfs result = new ContainerRootfs(id, lowers, upper, work, rootfs);
    try {
      mount("kiln-" + id, lowers, upper, work, rootfs);
    } catch (IOException | RuntimeException e) {
      try {
        result.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return result;
  }

  /**
   * Mounts an overlay of {@code lowersTopFirst} with {@code upper} and {@code work} at {@code
   * target}; with both {@code null} the overlay is read-only.
   */
  public void mount(String source, List<Path> lowersTopFirst, Path upper, Path work, Path target)
      throws IOException {
    if (lowersTopFirst.isEmpty() || lowersTopFirst.size() > MAX_LOWER_DIRS) {
      throw new IllegalArgumentException(
          "an overlay needs 1 to " + MAX_LOWER_DIRS + " lower dirs, got " + lowersTopFirst.size());
    }
    for (Path lower : lowersTopFirst) {
      if (!Files.isDirectory(lower, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("overlay lower dir " + lower + " is not a directory");
      }
    }
    if (api != Api.CLASSIC) {
      try {
        mountNewApi(source, lowersTopFirst, upper, work, target);
        return;
      } catch (NewApiMissing e) {
        if (api == Api.NEW) {
          throw new IOException("mount overlay on " + target + " failed: " + e.getMessage(), e);
        }
      }
    }
    mountClassic(source, lowersTopFirst, upper, work, target);
  }

  /**
   * Mounts a read-only overlay of {@code lowersTopFirst} at {@code target}: no upper and no work
   * dir, which overlayfs allows with two or more lower dirs. For one directory, use a read-only
   * bind mount instead.
   *
   * @see <a href="https://docs.kernel.org/filesystems/overlayfs.html#multiple-lower-layers">
   *     overlayfs: multiple lower layers</a>
   */
  public void mountReadOnly(String source, List<Path> lowersTopFirst, Path target)
      throws IOException {
    if (lowersTopFirst.size() < 2) {
      throw new IllegalArgumentException(
          "a read-only overlay needs at least 2 lower dirs, got " + lowersTopFirst.size());
    }
    mount(source, lowersTopFirst, null, null, target);
  }

  /** Detaches the mount at {@code target}; a target with nothing mounted is fine. */
  public static void unmount(Path target) throws IOException {
    int errno = Libc.umount2(target, Libc.MNT_DETACH);
    if (errno != 0 && errno != Errno.EINVAL && errno != Errno.ENOENT) {
      throw new NativeCallException("umount " + target, errno, "");
    }
  }

  private void mountNewApi(String source, List<Path> lowers, Path upper, Path work, Path target)
      throws IOException, NewApiMissing {
    int fs;
    try {
      fs = Libc.fsopen("overlay", Libc.FSOPEN_CLOEXEC);
    } catch (NativeCallException e) {
      if (e.errno() == Errno.ENOSYS) {
        throw new NewApiMissing("fsopen is not available on this kernel");
      }
      throw e;
    }
    try {
      String what = "lowerdir count " + lowers.size();
      set(fs, "source", source, target, what);
      boolean first = true;
      for (Path lower : lowers) {
        int errno = setPath(fs, "lowerdir+", lower);
        if (errno != 0) {
          List<String> log = Libc.readFsLog(fs);
          if (first && errno == Errno.EINVAL && String.join(" ", log).contains("lowerdir+")) {
            throw new NewApiMissing("this kernel's overlayfs has no 'lowerdir+' (Linux 6.8+)");
          }
          throw failure(target, errno, what + "; lowerdir+ " + lower, log);
        }
        first = false;
      }
      if (upper != null) {
        setPathOrFail(fs, "upperdir", upper, target, what);
        setPathOrFail(fs, "workdir", work, target, what);
      }
      int errno = Libc.fsconfig(fs, Libc.FSCONFIG_CMD_CREATE, null, null, 0);
      if (errno != 0) {
        throw failure(target, errno, what, Libc.readFsLog(fs));
      }
      int mnt = Libc.fsmount(fs, Libc.FSMOUNT_CLOEXEC, 0);
      try {
        Libc.moveMount(mnt, target);
      } finally {
        Libc.close(mnt);
      }
    } finally {
      Libc.close(fs);
    }
  }

  private void mountClassic(String source, List<Path> lowers, Path upper, Path work, Path target)
      throws IOException {
    String options = OverlayOptions.classic(lowers, upper, work);
    if (!OverlayOptions.fitsInPage(options)) {
      throw new IOException(
          "mount overlay on "
              + target
              + " failed: the mount(2) options for "
              + lowers.size()
              + " lower dirs take "
              + options.getBytes(StandardCharsets.UTF_8).length
              + " bytes, more than one page ("
              + OverlayOptions.PAGE_SIZE
              + "), and this kernel lacks the new mount API with 'lowerdir+' (Linux 6.8+) that"
              + " takes them one by one; use fewer layers or shorter cache paths");
    }
    Libc.mount(source, target, "overlay", 0, options, "lowerdir count " + lowers.size());
  }

  private static void set(int fs, String key, String value, Path target, String what)
      throws NativeCallException {
    int errno = Libc.fsconfig(fs, Libc.FSCONFIG_SET_STRING, key, value, 0);
    if (errno != 0) {
      throw failure(target, errno, what + "; " + key + "=" + value, Libc.readFsLog(fs));
    }
  }

  private static void setPathOrFail(int fs, String key, Path dir, Path target, String what)
      throws NativeCallException {
    int errno = setPath(fs, key, dir);
    if (errno != 0) {
      throw failure(target, errno, what + "; " + key + " " + dir, Libc.readFsLog(fs));
    }
  }

  /** Passes a path as a string, or as an O_PATH descriptor when too long for fsconfig strings. */
  private static int setPath(int fs, String key, Path dir) throws NativeCallException {
    String path = dir.toAbsolutePath().toString();
    if (path.getBytes(StandardCharsets.UTF_8).length <= FSCONFIG_MAX_STRING) {
      return Libc.fsconfig(fs, Libc.FSCONFIG_SET_STRING, key, path, 0);
    }
    int fd = Libc.openPath(dir);
    try {
      return Libc.fsconfig(fs, Libc.FSCONFIG_SET_FD, key, null, fd);
    } finally {
      Libc.close(fd);
    }
  }

  private static NativeCallException failure(
      Path target, int errno, String what, List<String> kernelLog) {
    String log = kernelLog.isEmpty() ? "" : "; kernel: " + String.join(" | ", kernelLog);
    return new NativeCallException("mount overlay on " + target, errno, what + log);
  }

  /** The kernel lacks the new mount API or {@code lowerdir+}; classic mount(2) may still work. */
  private static final class NewApiMissing extends Exception {
    NewApiMissing(String message) {
      super(message, null, false, false);
    }
  }
}
