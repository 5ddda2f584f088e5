package dev.kiln.builder.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** The sample functions in {@code examples/}, located from the module directory. */
public final class Examples {
  private Examples() {}

  /** The example directory, e.g. {@code hello-python}. */
  public static Path dir(String name) {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("examples").resolve(name);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "examples/" + name + " not found above " + Path.of("").toAbsolutePath());
  }

  /** Copies an example into {@code target} (to build it from another path, or change it). */
  public static Path copy(String name, Path target) throws java.io.IOException {
    Path source = dir(name);
    try (var walk = Files.walk(source)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path t = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return target;
  }
}
