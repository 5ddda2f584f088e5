package dev.kiln.builder.context;

import dev.kiln.image.layer.EntryKind;
import dev.kiln.image.layer.LayerBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The files of a directory that go into an image, checked: nothing outside the directory is
 * reachable through it. Symlinks that stay inside are kept as symlinks; any that point outside
 * (absolute, or through {@code ..}) are an error, as are sockets, pipes and devices.
 */
public final class BuildContext {

  /** The most a build context may hold, to fail early on a mistaken directory. */
  public static final long MAX_TOTAL_BYTES = 1L << 30;

  /** The most entries a build context may hold. */
  public static final int MAX_ENTRIES = 100_000;

  private final Path root;
  private final List<File> files;

  private BuildContext(Path root, List<File> files) {
    this.root = root;
    this.files = List.copyOf(files);
  }

  /** One checked entry, relative to the context root with {@code /} separators. */
  public record File(String relativePath, EntryKind kind, int mode, Path path, String linkTarget) {}

  /** Walks {@code root}, keeping the relative paths {@code include} accepts. */
  public static BuildContext scan(Path root, Predicate<String> include) throws IOException {
    Path abs = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(abs)) {
      throw new BuildContextException(root, "", "is not a directory");
    }
    Path real = abs.toRealPath();
    List<File> out = new ArrayList<>();
    long[] total = {0};
    try (Stream<Path> walk = Files.walk(real)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        if (p.equals(real)) {
          continue;
        }
        String rel = real.relativize(p).toString().replace('\\', '/');
        if (!include.test(rel)) {
          continue;
        }
        File f = check(root, real, p, rel);
        if (f.kind() == EntryKind.FILE) {
          total[0] += Files.size(p);
          if (total[0] > MAX_TOTAL_BYTES) {
            throw new BuildContextException(
                root,
                rel,
                "makes the build context larger than " + (MAX_TOTAL_BYTES >> 20) + " MiB");
          }
        }
        out.add(f);
        if (out.size() > MAX_ENTRIES) {
          throw new BuildContextException(
              root, rel, "makes the build context hold more than " + MAX_ENTRIES + " entries");
        }
      }
    }
    return new BuildContext(real, out);
  }

  /** Every file, excluding none. */
  public static BuildContext scan(Path root) throws IOException {
    return scan(root, rel -> true);
  }

  private static File check(Path shownRoot, Path root, Path p, String rel) throws IOException {
    if (Files.isSymbolicLink(p)) {
      String target = Files.readSymbolicLink(p).toString();
      Path resolved = p.getParent().resolve(target).normalize();
      if (Path.of(target).isAbsolute() || !resolved.startsWith(root)) {
        throw new BuildContextException(
            shownRoot, rel, "is a symlink to '" + target + "', outside the build context");
      }
      return new File(rel, EntryKind.SYMLINK, 0777, p, target);
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return new File(rel, EntryKind.DIRECTORY, 0755, p, null);
    }
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new BuildContextException(
          shownRoot, rel, "is not a regular file, directory or symlink (a socket, pipe or device)");
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    // Keep only what matters to a container: executable or not. Owners and group/other bits on
    // the developer's machine must not change the image digest.
    int mode = perms.contains(PosixFilePermission.OWNER_EXECUTE) ? 0755 : 0644;
    return new File(rel, EntryKind.FILE, mode, p, null);
  }

  /**
   * Adds every entry to {@code layer} under {@code imageDir}, symlinks kept as symlinks, and
   * returns the layer.
   */
  public LayerBuilder addTo(LayerBuilder layer, String imageDir) {
    String prefix = imageDir.endsWith("/") ? imageDir : imageDir + "/";
    for (File f : files) {
      String target = prefix + f.relativePath();
      switch (f.kind()) {
        case DIRECTORY -> layer.addDirectory(target, f.mode());
        case FILE -> layer.addFile(target, f.path(), f.mode());
        case SYMLINK -> layer.addSymlink(target, f.linkTarget());
      }
    }
    return layer;
  }

  /** The real path of the context directory. */
  public Path root() {
    return root;
  }

  /** The checked entries, sorted by path. */
  public List<File> files() {
    return files;
  }

  /** The entries under a relative directory, re-rooted at it. */
  public BuildContext subtree(String relativeDir) {
    String prefix = relativeDir.endsWith("/") ? relativeDir : relativeDir + "/";
    List<File> sub = new ArrayList<>();
    for (File f : files) {
      if (f.relativePath().startsWith(prefix)) {
        sub.add(
            new File(
                f.relativePath().substring(prefix.length()),
                f.kind(),
                f.mode(),
                f.path(),
                f.linkTarget()));
      }
    }
    return new BuildContext(root.resolve(relativeDir), sub);
  }

  /** The entries {@code keep} accepts. */
  public BuildContext filter(Predicate<String> keep) {
    return new BuildContext(root, files.stream().filter(f -> keep.test(f.relativePath())).toList());
  }

  /** Whether the context holds a regular file at this relative path. */
  public boolean hasFile(String relativePath) {
    return files.stream()
        .anyMatch(f -> f.kind() == EntryKind.FILE && f.relativePath().equals(relativePath));
  }
}
