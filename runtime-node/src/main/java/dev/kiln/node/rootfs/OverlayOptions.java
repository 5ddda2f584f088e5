package dev.kiln.node.rootfs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The classic {@code mount(2)} option string of an overlay: {@code lowerdir=a:b:c,upperdir=..,
 * workdir=..}. The kernel copies at most one page of it, which caps the number of lower dirs.
 */
final class OverlayOptions {
  /** The kernel copies mount(2) data up to one page; the terminating NUL counts. */
  static final int PAGE_SIZE = 4096;

  private OverlayOptions() {}

  static String classic(List<Path> lowersTopFirst, Path upper, Path work) {
    return "lowerdir="
        + lowersTopFirst.stream().map(p -> escape(p.toString())).collect(Collectors.joining(":"))
        + (upper == null ? "" : upperAndWork(upper, work));
  }

  private static String upperAndWork(Path upper, Path work) {
    return ",upperdir=" + escape(upper.toString()) + ",workdir=" + escape(work.toString());
  }

  static boolean fitsInPage(String options) {
    return options.getBytes(StandardCharsets.UTF_8).length + 1 <= PAGE_SIZE;
  }

  /**
   * overlayfs splits options on {@code ,} and lower dirs on {@code :}; both escape with {@code \}.
   */
  static String escape(String path) {
    StringBuilder out = new StringBuilder(path.length());
    for (char c : path.toCharArray()) {
      if (c == '\\' || c == ':' || c == ',') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }
}
