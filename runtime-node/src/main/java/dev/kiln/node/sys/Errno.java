package dev.kiln.node.sys;

import java.util.Map;

/** Symbolic names for errno values, so messages read {@code EINVAL (Invalid argument)}. */
public final class Errno {
  /** Operation not permitted. */
  public static final int EPERM = 1;

  /** No such file or directory. */
  public static final int ENOENT = 2;

  /** File exists. */
  public static final int EEXIST = 17;

  /** Invalid argument. */
  public static final int EINVAL = 22;

  /** Function not implemented. */
  public static final int ENOSYS = 38;

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(1, "EPERM"),
          Map.entry(2, "ENOENT"),
          Map.entry(4, "EINTR"),
          Map.entry(5, "EIO"),
          Map.entry(9, "EBADF"),
          Map.entry(11, "EAGAIN"),
          Map.entry(12, "ENOMEM"),
          Map.entry(13, "EACCES"),
          Map.entry(16, "EBUSY"),
          Map.entry(17, "EEXIST"),
          Map.entry(18, "EXDEV"),
          Map.entry(19, "ENODEV"),
          Map.entry(20, "ENOTDIR"),
          Map.entry(21, "EISDIR"),
          Map.entry(22, "EINVAL"),
          Map.entry(24, "EMFILE"),
          Map.entry(28, "ENOSPC"),
          Map.entry(30, "EROFS"),
          Map.entry(36, "ENAMETOOLONG"),
          Map.entry(38, "ENOSYS"),
          Map.entry(39, "ENOTEMPTY"),
          Map.entry(40, "ELOOP"),
          Map.entry(61, "ENODATA"),
          Map.entry(95, "EOPNOTSUPP"));

  private Errno() {}

  /** {@code EINVAL (Invalid argument)}; unknown values read {@code errno 123 (...)}. */
  public static String describe(int errno) {
    String name = NAMES.getOrDefault(errno, "errno " + errno);
    String text;
    try {
      text = CLib.INSTANCE.strerror(errno);
    } catch (RuntimeException | LinkageError e) {
      text = null;
    }
    return text == null ? name : name + " (" + text + ")";
  }
}
