package dev.kiln.node.sys;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The system calls the node needs, each throwing {@link NativeCallException} with errno and context
 * on failure. The new mount API ({@code fsopen} and friends, Linux 5.2) is called through its glibc
 * wrapper where glibc has one (2.36 and later) and through {@code syscall(2)} otherwise.
 */
public final class Libc {
  /** {@code S_IFCHR}: the file-type bits of a character device. */
  public static final int S_IFCHR = 0020000;

  /** {@code umount2} flag: detach now, clean up when the mount is no longer busy. */
  public static final int MNT_DETACH = 2;

  /** {@code mount} flag: read-only. */
  public static final long MS_RDONLY = 1;

  /** {@code mount} flag: change the flags of an existing mount. */
  public static final long MS_REMOUNT = 32;

  /** {@code mount} flag: bind mount. */
  public static final long MS_BIND = 4096;

  /** {@code mount} flag: make the mount private (no propagation). */
  public static final long MS_PRIVATE = 1 << 18;

  /** {@code mount} flag: make the mount shared, so mounts beneath it propagate to its peers. */
  public static final long MS_SHARED = 1 << 20;

  /** {@code fsopen} flag. */
  public static final int FSOPEN_CLOEXEC = 1;

  /** {@code fsconfig} command: set a string parameter. */
  public static final int FSCONFIG_SET_STRING = 1;

  /** {@code fsconfig} command: set a parameter from a file descriptor. */
  public static final int FSCONFIG_SET_FD = 5;

  /** {@code fsconfig} command: create the superblock. */
  public static final int FSCONFIG_CMD_CREATE = 6;

  /** {@code fsmount} flag. */
  public static final int FSMOUNT_CLOEXEC = 1;

  /** {@code move_mount} flag: the source is the file descriptor itself. */
  public static final int MOVE_MOUNT_F_EMPTY_PATH = 0x4;

  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int O_DIRECTORY = 0200000;
  private static final int O_CLOEXEC = 02000000;
  private static final int O_PATH = 010000000;

  // x86-64 syscall numbers, used only where glibc lacks a wrapper (glibc < 2.36).
  private static final long SYS_MOVE_MOUNT = 429;
  private static final long SYS_FSOPEN = 430;
  private static final long SYS_FSCONFIG = 431;
  private static final long SYS_FSMOUNT = 432;

  private static final CLib C = CLib.INSTANCE;

  private Libc() {}

  /**
   * Creates the overlayfs whiteout at {@code path}: a character device with device number 0/0.
   *
   * @see <a
   *     href="https://docs.kernel.org/filesystems/overlayfs.html#whiteouts-and-opaque-directories">
   *     overlayfs: whiteouts and opaque directories</a>
   */
  public static void mknodWhiteout(Path path) throws NativeCallException {
    check(C.mknod(path.toString(), S_IFCHR, 0L), "mknod whiteout " + path);
  }

  /** Sets an extended attribute on {@code path} itself, never on a symlink's target. */
  public static void setXattr(Path path, String name, String value) throws NativeCallException {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    check(
        C.lsetxattr(path.toString(), name, bytes, bytes.length, 0),
        "lsetxattr " + name + " on " + path);
  }

  /** Reads an extended attribute of {@code path} itself; empty when it is not set. */
  public static Optional<String> getXattr(Path path, String name) throws NativeCallException {
    byte[] buffer = new byte[4096];
    long n = C.lgetxattr(path.toString(), name, buffer, buffer.length);
    if (n < 0) {
      int errno = Native.getLastError();
      if (errno == 61) {
        return Optional.empty();
      }
      throw new NativeCallException("lgetxattr " + name + " on " + path, errno, "");
    }
    return Optional.of(new String(buffer, 0, (int) n, StandardCharsets.UTF_8));
  }

  /** Changes the owner of {@code path} itself (a symlink is not followed). */
  public static void lchown(Path path, int uid, int gid) throws NativeCallException {
    check(C.lchown(path.toString(), uid, gid), "lchown " + uid + ":" + gid + " " + path);
  }

  /** Sets all mode bits, including sticky, which {@code PosixFilePermission} cannot express. */
  public static void chmod(Path path, int mode) throws NativeCallException {
    check(C.chmod(path.toString(), mode), "chmod " + Integer.toOctalString(mode) + " " + path);
  }

  /** Sets access and modification time of {@code path} itself, never of a symlink's target. */
  public static void setTimesNoFollow(Path path, Instant time) throws NativeCallException {
    long[] times = {time.getEpochSecond(), time.getNano(), time.getEpochSecond(), time.getNano()};
    check(C.utimensat(AT_FDCWD, path.toString(), times, AT_SYMLINK_NOFOLLOW), "utimensat " + path);
  }

  /** {@code mount(2)}; {@code what} describes the mount for the error message. */
  public static void mount(
      String source, Path target, String fstype, long flags, String data, String what)
      throws NativeCallException {
    if (C.mount(source, target.toString(), fstype, flags, data) != 0) {
      throw new NativeCallException(
          "mount " + fstype + " on " + target, Native.getLastError(), what);
    }
  }

  /**
   * Bind-mounts {@code source} at {@code target}; when {@code readOnly}, the bind is then remounted
   * read-only (a bind mount takes {@code MS_RDONLY} only on a remount, see mount(2)).
   */
  public static void bindMount(Path source, Path target, boolean readOnly)
      throws NativeCallException {
    String what = "bind " + source;
    if (C.mount(source.toString(), target.toString(), null, MS_BIND, null) != 0) {
      throw new NativeCallException("bind mount on " + target, Native.getLastError(), what);
    }
    if (readOnly
        && C.mount(null, target.toString(), null, MS_REMOUNT | MS_BIND | MS_RDONLY, null) != 0) {
      throw new NativeCallException("read-only remount of " + target, Native.getLastError(), what);
    }
  }

  /**
   * Changes the propagation type of the mount at {@code target}, e.g. {@link #MS_SHARED}.
   *
   * @see <a href="https://docs.kernel.org/filesystems/sharedsubtree.html">Shared subtrees</a>
   */
  public static void setPropagation(Path target, long type) throws NativeCallException {
    if (C.mount(null, target.toString(), null, type, null) != 0) {
      throw new NativeCallException(
          "set propagation of " + target, Native.getLastError(), "flags " + type);
    }
  }

  /** {@code umount2(2)}; returns 0 or the errno, so callers decide what a failure means. */
  public static int umount2(Path target, int flags) {
    return C.umount2(target.toString(), flags) == 0 ? 0 : Native.getLastError();
  }

  /** Opens {@code dir} as an {@code O_PATH} descriptor, e.g. to hand to {@code fsconfig}. */
  public static int openPath(Path dir) throws NativeCallException {
    int fd = C.open(dir.toString(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    check(fd, "open " + dir);
    return fd;
  }

  /** Closes a descriptor, ignoring errors (there is nothing useful to do about them). */
  public static void close(int fd) {
    if (fd >= 0) {
      C.close(fd);
    }
  }

  /** {@code fsopen(2)}: a filesystem context for {@code fsName}. */
  public static int fsopen(String fsName, int flags) throws NativeCallException {
    int fd = NewApi.FSOPEN.call(new Object[] {fsName, flags}, SYS_FSOPEN);
    check(fd, "fsopen " + fsName);
    return fd;
  }

  /** {@code fsconfig(2)}; returns 0 or the errno so the caller can add the kernel's log. */
  public static int fsconfig(int fd, int cmd, String key, String value, int aux) {
    int rc = NewApi.FSCONFIG.call(new Object[] {fd, cmd, key, value, aux}, SYS_FSCONFIG);
    return rc == 0 ? 0 : Native.getLastError();
  }

  /** {@code fsmount(2)}: a detached mount of the created superblock. */
  public static int fsmount(int fsFd, int flags, int attrFlags) throws NativeCallException {
    int fd = NewApi.FSMOUNT.call(new Object[] {fsFd, flags, attrFlags}, SYS_FSMOUNT);
    check(fd, "fsmount");
    return fd;
  }

  /** {@code move_mount(2)} of a detached mount descriptor onto {@code target}. */
  public static void moveMount(int mountFd, Path target) throws NativeCallException {
    int rc =
        NewApi.MOVE_MOUNT.call(
            new Object[] {mountFd, "", AT_FDCWD, target.toString(), MOVE_MOUNT_F_EMPTY_PATH},
            SYS_MOVE_MOUNT);
    check(rc, "move_mount to " + target);
  }

  /**
   * Drains the messages a filesystem context logged (lines such as {@code e overlayfs: failed to
   * resolve 'x': -2}); they say far more than the errno alone.
   */
  public static List<String> readFsLog(int fsFd) {
    List<String> lines = new ArrayList<>();
    byte[] buffer = new byte[4096];
    for (int i = 0; i < 32; i++) {
      long n = C.read(fsFd, buffer, buffer.length);
      if (n <= 0) {
        break;
      }
      lines.add(new String(buffer, 0, (int) n, StandardCharsets.UTF_8).strip());
    }
    return lines;
  }

  /** Whether glibc exports {@code name}; otherwise the raw system call is used. */
  static boolean hasSymbol(String name) {
    try {
      NativeLibrary.getInstance("c").getFunction(name);
      return true;
    } catch (UnsatisfiedLinkError e) {
      return false;
    }
  }

  private static void check(int rc, String what) throws NativeCallException {
    if (rc < 0) {
      throw new NativeCallException(what, Native.getLastError(), "");
    }
  }

  /** A new-mount-API function: the glibc wrapper when present, else {@code syscall(2)}. */
  private enum NewApi {
    FSOPEN("fsopen"),
    FSCONFIG("fsconfig"),
    FSMOUNT("fsmount"),
    MOVE_MOUNT("move_mount");

    private final Function function;

    NewApi(String name) {
      this.function = hasSymbol(name) ? Function.getFunction("c", name) : null;
    }

    int call(Object[] args, long syscallNumber) {
      if (function != null) {
        return function.invokeInt(args);
      }
      return (int) C.syscall(syscallNumber, args);
    }
  }
}
