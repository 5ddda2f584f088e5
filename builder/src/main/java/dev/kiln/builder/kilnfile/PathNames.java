package dev.kiln.builder.kilnfile;

import java.util.ArrayDeque;
import java.util.Deque;

/** Lexical path arithmetic on image paths, which are always '/'-separated whatever the host. */
final class PathNames {

  private PathNames() {}

  /**
   * Resolves {@code path} against the absolute directory {@code base} and removes {@code .}, {@code
   * ..} and repeated slashes. {@code ..} stops at the root, as it does in a filesystem.
   */
  static String resolve(String base, String path) {
    String joined = path.startsWith("/") ? path : base + "/" + path;
    Deque<String> parts = new ArrayDeque<>();
    for (String part : joined.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(part);
      }
    }
    return "/" + String.join("/", parts);
  }

  /**
   * Normalises a path relative to the build context, or returns {@code null} if it is absolute or
   * climbs out of the context with {@code ..}. The context root itself is {@code "."}.
   */
  static String withinContext(String path) {
    if (path.startsWith("/")) {
      return null;
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.removeLast();
      } else {
        parts.addLast(part);
      }
    }
    return parts.isEmpty() ? "." : String.join("/", parts);
  }
}
