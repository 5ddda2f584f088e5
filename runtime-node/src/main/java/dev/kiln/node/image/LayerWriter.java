package dev.kiln.node.image;

import dev.kiln.node.sys.FileTrees;
import dev.kiln.node.sys.Libc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes {@link LayerEntry}s beneath a fresh, private root directory without ever following a
 * symlink: every parent component is checked with {@code NOFOLLOW_LINKS} before anything is created
 * beneath it, files are created with {@code O_CREAT|O_EXCL|O_NOFOLLOW}, and ownership, modes and
 * times are set on the entry itself ({@code lchown}, {@code utimensat(NOFOLLOW)}). The root is
 * private to one unpack, so nothing else changes the tree between a check and its use.
 *
 * <p>Whiteouts are written in overlayfs form, since each layer stays a separate lower directory:
 * {@code .wh.name} becomes a character device 0/0 named {@code name}, and {@code .wh..wh..opq}
 * becomes the xattr {@code trusted.overlay.opaque=y} on its directory.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts">OCI
 *     image spec: whiteouts</a>
 * @see <a
 *     href="https://docs.kernel.org/filesystems/overlayfs.html#whiteouts-and-opaque-directories">
 *     overlayfs: whiteouts and opaque directories</a>
 */
final class LayerWriter {
  static final String OPAQUE_XATTR = "trusted.overlay.opaque";
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private final Path root;

  /** Regular files written so far: the only allowed hardlink targets. */
  private final Set<String> regularFiles = new HashSet<>();

  /** Whiteouts written so far, so that replacing one with a directory keeps lowers hidden. */
  private final Set<String> whiteouts = new HashSet<>();

  /** Directory mtimes, applied last because creating children changes them. */
  private final Map<String, Instant> directoryTimes = new HashMap<>();

  LayerWriter(Path root) {
    this.root = root;
  }

  /** Applies one entry; {@code content} is positioned at the entry's data. */
  void write(LayerEntry e, InputStream content) throws IOException, EntryRules.Violation {
    switch (e.kind()) {
      case DIRECTORY -> directory(e);
      case FILE -> file(e, content);
      case SYMLINK -> symlink(e);
      case HARDLINK -> hardlink(e);
      case WHITEOUT -> whiteout(e);
      case OPAQUE -> opaque(e);
      case SKIP -> {}
    }
  }

  /** Sets the deferred directory mtimes, deepest first. */
  void finish() throws IOException {
    List<String> dirs = new ArrayList<>(directoryTimes.keySet());
    dirs.sort((a, b) -> Long.compare(depth(b), depth(a)));
    for (String dir : dirs) {
      Path p = resolve(dir);
      if (isDirectory(p) && parentsAreDirectories(dir)) {
        Libc.setTimesNoFollow(p, directoryTimes.get(dir));
      }
    }
  }

  private void directory(LayerEntry e) throws IOException, EntryRules.Violation {
    Path p = prepare(e.path(), true);
    boolean wasWhiteout = whiteouts.remove(e.path());
    if (!isDirectory(p)) {
      Files.createDirectory(p);
    }
    if (wasWhiteout) {
      // The layer deleted the lower path and then created a directory there: the new directory
      // must not show the lower directory's old contents, which is what opaque means.
      Libc.setXattr(p, OPAQUE_XATTR, "y");
    }
    owner(p, e);
    Libc.chmod(p, e.mode());
    directoryTimes.put(e.path(), e.mtime());
  }

  private void file(LayerEntry e, InputStream content) throws IOException, EntryRules.Violation {
    Path p = prepare(e.path(), false);
    try (OutputStream out =
        Files.newOutputStream(
            p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW)) {
      content.transferTo(out);
    }
    owner(p, e);
    Libc.chmod(p, e.mode());
    Libc.setTimesNoFollow(p, e.mtime());
    regularFiles.add(e.path());
  }

  private void symlink(LayerEntry e) throws IOException, EntryRules.Violation {
    Path p = prepare(e.path(), false);
    Files.createSymbolicLink(p, Path.of(e.link()));
    owner(p, e);
    Libc.setTimesNoFollow(p, e.mtime());
  }

  private void hardlink(LayerEntry e) throws IOException, EntryRules.Violation {
    String target = e.link();
    if (!regularFiles.contains(target)) {
      throw new EntryRules.Violation(
          "is a hardlink to '" + target + "', which is not an earlier regular file of this layer");
    }
    if (target.equals(e.path())) {
      throw new EntryRules.Violation("is a hardlink to itself");
    }
    Path targetPath = resolve(target);
    if (!parentsAreDirectories(target)
        || !Files.readAttributes(targetPath, BasicFileAttributes.class, NOFOLLOW).isRegularFile()) {
      throw new EntryRules.Violation("is a hardlink to '" + target + "', which is not a file");
    }
    Path p = prepare(e.path(), false);
    Files.createLink(p, targetPath);
    regularFiles.add(e.path());
  }

  private void whiteout(LayerEntry e) throws IOException, EntryRules.Violation {
    Path p = resolve(e.path());
    ensureParents(e.path());
    if (attributes(p) != null) {
      // This layer has its own entry here; a whiteout only hides what lower layers have.
      return;
    }
    Libc.mknodWhiteout(p);
    whiteouts.add(e.path());
  }

  private void opaque(LayerEntry e) throws IOException, EntryRules.Violation {
    if (e.path().isEmpty()) {
      Libc.setXattr(root, OPAQUE_XATTR, "y");
      return;
    }
    ensureParents(e.path() + "/" + EntryRules.OPAQUE_MARKER);
    Libc.setXattr(resolve(e.path()), OPAQUE_XATTR, "y");
  }

  /**
   * Makes {@code path}'s parents real directories and clears the way for a new entry there: an
   * existing directory is kept when {@code keepDirectory}, anything else is removed (a later tar
   * entry replaces an earlier one, as with {@code tar -x}).
   */
  private Path prepare(String path, boolean keepDirectory)
      throws IOException, EntryRules.Violation {
    if (path.isEmpty()) {
      return root;
    }
    ensureParents(path);
    Path p = resolve(path);
    BasicFileAttributes existing = attributes(p);
    if (existing == null || (keepDirectory && existing.isDirectory())) {
      return p;
    }
    if (existing.isDirectory()) {
      FileTrees.deleteTree(p);
      String prefix = path + "/";
      regularFiles.removeIf(f -> f.startsWith(prefix));
      whiteouts.removeIf(f -> f.startsWith(prefix));
      directoryTimes.keySet().removeIf(f -> f.startsWith(prefix));
    } else {
      Files.delete(p);
    }
    regularFiles.remove(path);
    directoryTimes.remove(path);
    return p;
  }

  /** Creates missing parents (0755, as Docker does) and refuses symlinks or files among them. */
  private void ensureParents(String path) throws IOException, EntryRules.Violation {
    int slash = -1;
    while ((slash = path.indexOf('/', slash + 1)) >= 0) {
      String parent = path.substring(0, slash);
      Path p = resolve(parent);
      BasicFileAttributes a = attributes(p);
      if (a == null) {
        Files.createDirectory(p);
        Libc.chmod(p, 0755);
      } else if (a.isSymbolicLink()) {
        throw new EntryRules.Violation(
            "lies beneath '" + parent + "', a symlink; writing through symlinks is refused");
      } else if (whiteouts.remove(parent)) {
        Files.delete(p);
        Files.createDirectory(p);
        Libc.chmod(p, 0755);
        Libc.setXattr(p, OPAQUE_XATTR, "y");
      } else if (!a.isDirectory()) {
        throw new EntryRules.Violation("lies beneath '" + parent + "', which is not a directory");
      }
    }
  }

  private boolean parentsAreDirectories(String path) throws IOException {
    int slash = -1;
    while ((slash = path.indexOf('/', slash + 1)) >= 0) {
      if (!isDirectory(resolve(path.substring(0, slash)))) {
        return false;
      }
    }
    return true;
  }

  private static void owner(Path p, LayerEntry e) throws IOException {
    Libc.lchown(p, e.uid(), e.gid());
  }

  private Path resolve(String path) {
    return path.isEmpty() ? root : root.resolve(path);
  }

  private static boolean isDirectory(Path p) throws IOException {
    BasicFileAttributes a = attributes(p);
    return a != null && a.isDirectory();
  }

  private static BasicFileAttributes attributes(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static int depth(String path) {
    return (int) path.chars().filter(c -> c == '/').count();
  }
}
