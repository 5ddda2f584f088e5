package dev.kiln.image.layer;

import java.util.ArrayDeque;
import java.util.Deque;

/** Path rules for entries inside an image: absolute, normalised, never above the root. */
final class LayerPaths {

  private LayerPaths() {}

  /**
   * Normalises an in-image path to the form used in tar entries: no leading slash, no {@code .} or
   * empty segments. Rejects {@code ..} segments, which would reach outside the image root.
   */
  static String normalize(String path) {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("empty path in layer");
    }
    if (path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("path contains a NUL byte: " + path.replace('\0', '?'));
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new IllegalArgumentException("path '" + path + "' leaves the image root");
      }
      parts.addLast(part);
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("path '" + path + "' names the image root itself");
    }
    return String.join("/", parts);
  }

  /** The parent of a normalised path, or null at the top. */
  static String parent(String normalized) {
    int slash = normalized.lastIndexOf('/');
    return slash < 0 ? null : normalized.substring(0, slash);
  }
}
