package dev.kiln.builder.base;

import dev.kiln.image.layer.LayerBuilder;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Copies host files into a layer at the same paths, so that everything resolves inside the image
 * exactly as on the host: every symlink met on the way (such as merged-{@code /usr}'s {@code /lib
 * -> usr/lib}, or {@code /lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/...}) is recreated as
 * a symlink, and the files are added at their real paths.
 */
final class HostFiles {

  private static final int MAX_SYMLINK_DEPTH = 40;
  private static final Path ROOT = Path.of("/");

  private final LayerBuilder layer;
  private final Set<Path> files = new HashSet<>();
  private long bytes;

  HostFiles(LayerBuilder layer) {
    this.layer = layer;
  }

  /** Regular files added so far, as real host paths. */
  Set<Path> files() {
    return Set.copyOf(files);
  }

  /** Bytes of regular files added so far. */
  long bytes() {
    return bytes;
  }

  /**
   * Adds the host path {@code path} (absolute) at the same path in the image, recreating the
   * symlinks in it and following them to a regular file or directory, which is added too.
   */
  void addPath(Path path) throws IOException {
    addPath(path.toAbsolutePath().normalize(), 0);
  }

  private void addPath(Path path, int depth) throws IOException {
    checkDepth(path, depth);
    Path parent = path.getParent();
    Path real = parent == null ? path : realDirectory(parent, depth).resolve(path.getFileName());
    if (Files.isSymbolicLink(real)) {
      Path target = Files.readSymbolicLink(real);
      layer.addSymlink(real.toString(), target.toString());
      addPath(real.getParent().resolve(target).normalize(), depth + 1);
    } else if (Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      addFile(real);
    } else if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      if (!real.equals(ROOT)) {
        layer.addDirectory(real.toString(), mode(real));
      }
    } else {
      throw new IOException("cannot add " + path + " to a base: not a file, directory or symlink");
    }
  }

  /**
   * The symlink-free host path of directory {@code dir}, recreating every symlink on the way. The
   * parent is resolved first, so a {@code ..} in a link target means what it means to the kernel.
   */
  private Path realDirectory(Path dir, int depth) throws IOException {
    checkDepth(dir, depth);
    Path parent = dir.getParent();
    if (parent == null) {
      return dir;
    }
    Path candidate = realDirectory(parent, depth).resolve(dir.getFileName());
    if (Files.isSymbolicLink(candidate)) {
      Path target = Files.readSymbolicLink(candidate);
      layer.addSymlink(candidate.toString(), target.toString());
      return realDirectory(candidate.getParent().resolve(target).normalize(), depth + 1);
    }
    return candidate;
  }

  /**
   * Adds the directory tree {@code root} (a real path) at the same path, leaving out directories
   * and files {@code exclude} accepts. Symlinks inside the tree are kept as they are; a symlink
   * leading out of it is kept and its target added too, so that it does not dangle.
   */
  void addTree(Path root, Predicate<Path> exclude) throws IOException {
    Path top = root.toRealPath();
    List<Path> outside = new ArrayList<>();
    Files.walkFileTree(
        top,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (!dir.equals(top) && exclude.test(dir)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            layer.addDirectory(dir.toString(), mode(dir));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (exclude.test(file)) {
              return FileVisitResult.CONTINUE;
            }
            if (attrs.isSymbolicLink()) {
              Path target = Files.readSymbolicLink(file);
              layer.addSymlink(file.toString(), target.toString());
              Path resolved = file.getParent().resolve(target).normalize();
              if (!resolved.startsWith(top)) {
                outside.add(resolved);
              }
            } else if (attrs.isRegularFile()) {
              addFile(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    for (Path p : outside) {
      if (Files.exists(p)) {
        addPath(p);
      }
    }
  }

  private void addFile(Path real) throws IOException {
    layer.addFile(real.toString(), real, mode(real));
    if (files.add(real)) {
      bytes += Files.size(real);
    }
  }

  /**
   * Permission bits of a host file. Set-user-ID and set-group-ID are dropped: nothing in a base
   * needs them, and containers run with no_new_privs anyway.
   */
  static int mode(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return mode & 01777;
  }

  private static void checkDepth(Path path, int depth) throws IOException {
    if (depth > MAX_SYMLINK_DEPTH) {
      throw new IOException("too many levels of symbolic links resolving " + path);
    }
  }
}
