package dev.kiln.node.rootfs;

import dev.kiln.node.sys.Errno;
import dev.kiln.node.sys.Libc;
import dev.kiln.node.sys.NativeCallException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The mounts of this process's mount namespace, read from {@code /proc/self/mountinfo}; used to
 * find and remove what a crashed node left mounted under its directories.
 */
public final class MountTable {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private final List<MountInfo> mounts;

  private MountTable(List<MountInfo> mounts) {
    this.mounts = List.copyOf(mounts);
  }

  /** Reads the current mount table. */
  public static MountTable read() throws IOException {
    return parse(Files.readString(MOUNTINFO));
  }

  /** Parses mountinfo text (see mountinfo(5); mount points escape space, tab, \n, \ as octal). */
  static MountTable parse(String mountinfo) {
    List<MountInfo> mounts = new ArrayList<>();
    for (String line : mountinfo.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(" ");
      int separator = List.of(f).indexOf("-");
      if (f.length < 7 || separator < 6 || separator + 2 >= f.length) {
        throw new IllegalArgumentException("malformed mountinfo line: " + line);
      }
      mounts.add(
          new MountInfo(
              Integer.parseInt(f[0]),
              Integer.parseInt(f[1]),
              Path.of(unescape(f[4])),
              unescape(f[separator + 1]),
              unescape(f[separator + 2]),
              separator + 3 < f.length ? unescape(f[separator + 3]) : ""));
    }
    return new MountTable(mounts);
  }

  /** All mounts, in mount order. */
  public List<MountInfo> mounts() {
    return mounts;
  }

  /** Mounts at {@code dir} or beneath it, in mount order. */
  public List<MountInfo> under(Path dir) {
    Path d = dir.toAbsolutePath().normalize();
    return mounts.stream().filter(m -> m.mountPoint().startsWith(d)).toList();
  }

  /** Whether something is mounted exactly at {@code dir}. */
  public boolean isMountPoint(Path dir) {
    Path d = dir.toAbsolutePath().normalize();
    return mounts.stream().anyMatch(m -> m.mountPoint().equals(d));
  }

  /**
   * Detaches ({@code MNT_DETACH}) every mount at or beneath {@code dir}, deepest first and, on one
   * mount point, the most recent first.
   *
   * @return how many mounts were detached
   */
  public static int unmountAllUnder(Path dir) throws IOException {
    List<MountInfo> doomed = new ArrayList<>(read().under(dir));
    doomed.sort(
        Comparator.comparingInt((MountInfo m) -> m.mountPoint().getNameCount())
            .thenComparingInt(MountInfo::id)
            .reversed());
    int count = 0;
    NativeCallException failure = null;
    for (MountInfo m : doomed) {
      int errno = Libc.umount2(m.mountPoint(), Libc.MNT_DETACH);
      if (errno == 0) {
        count++;
      } else if (errno != Errno.EINVAL && errno != Errno.ENOENT) {
        // EINVAL/ENOENT: already gone with a mount above it. Anything else is worth reporting.
        NativeCallException e =
            new NativeCallException("umount " + m.mountPoint(), errno, m.fsType());
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return count;
  }

  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
