package dev.kiln.builder.context;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code .kilnignore}: glob patterns, one per line ({@code #} comments), of paths to leave out of
 * the image, like {@code .dockerignore}. A pattern that matches a directory excludes everything
 * below it.
 */
public final class IgnoreFile {

  /** The file name looked for in a function directory. */
  public static final String NAME = ".kilnignore";

  private IgnoreFile() {}

  /** A predicate accepting the relative paths not ignored by {@code dir/.kilnignore}. */
  public static Predicate<String> load(Path dir) throws IOException {
    Path file = dir.resolve(NAME);
    if (!Files.isRegularFile(file)) {
      return rel -> true;
    }
    List<PathMatcher> matchers = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String pattern = line.strip();
      if (pattern.isEmpty() || pattern.startsWith("#")) {
        continue;
      }
      if (pattern.startsWith("/")) {
        pattern = pattern.substring(1);
      }
      if (pattern.endsWith("/")) {
        pattern = pattern.substring(0, pattern.length() - 1);
      }
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
    }
    return rel -> {
      // A path is ignored when it, or any directory above it, matches.
      for (String prefix = rel; prefix != null; prefix = parent(prefix)) {
        Path p = Path.of(prefix);
        for (PathMatcher m : matchers) {
          if (m.matches(p)) {
            return false;
          }
        }
      }
      return true;
    };
  }

  private static String parent(String relative) {
    int slash = relative.lastIndexOf('/');
    return slash < 0 ? null : relative.substring(0, slash);
  }
}
