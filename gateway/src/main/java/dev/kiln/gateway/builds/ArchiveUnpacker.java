package dev.kiln.gateway.builds;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks a function archive ({@code .tar.gz} of a function directory) into an empty directory,
 * treating it as hostile: it never writes outside that directory. Refused, naming the entry:
 *
 * <ul>
 *   <li>absolute paths and paths with {@code ..};
 *   <li>symlinks whose target is absolute or leads outside the directory, and writing through any
 *       symlink (an entry below a symlink);
 *   <li>hard links, devices, fifos and sparse files;
 *   <li>the same path twice;
 *   <li>more than {@code maxEntries} entries or {@code maxBytes} of content, counted as written
 *       (not as the headers claim), which also stops gzip bombs.
 * </ul>
 *
 * The unpacked directory is then checked again by the builder's {@code BuildContext}.
 */
public final class ArchiveUnpacker {

  private static final int MAX_PATH_LENGTH = 1024;

  private final long maxBytes;
  private final int maxEntries;

  /** An unpacker with these limits. */
  public ArchiveUnpacker(long maxBytes, int maxEntries) {
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
  }

  /**
   * Unpacks the gzip-compressed tar {@code archive} into {@code target}, which must be empty.
   *
   * @throws ArchiveException if the archive is malformed or breaks a rule above
   */
  public void unpack(InputStream archive, Path target) throws IOException {
    Path root = target.toAbsolutePath().normalize();
    Files.createDirectories(root);
    root = root.toRealPath();
    long written = 0;
    int entries = 0;
    Set<String> seen = new HashSet<>();
    try (GzipCompressorInputStream gz = openGzip(archive);
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      TarArchiveEntry entry;
      while ((entry = nextEntry(tar)) != null) {
        String name = entry.getName();
        String rel = relativePath(name);
        if (rel.isEmpty()) {
          continue;
        }
        if (++entries > maxEntries) {
          throw new ArchiveException(
              null, "holds more than " + maxEntries + " entries (kiln.deploy.max-entries)");
        }
        if (!seen.add(rel)) {
          throw new ArchiveException(name, "appears twice in the archive");
        }
        Path dest = root.resolve(rel).normalize();
        if (!dest.startsWith(root) || dest.equals(root)) {
          throw new ArchiveException(name, "points outside the function directory");
        }
        refuseSymlinkOnPath(root, dest, name);
        if (entry.isDirectory()) {
          Files.createDirectories(dest);
        } else if (entry.isSymbolicLink()) {
          symlink(root, dest, name, entry.getLinkName());
        } else if (entry.isLink()) {
          throw new ArchiveException(
              name, "is a hard link; function archives may hold files, directories and symlinks");
        } else if (entry.isSparse()) {
          throw new ArchiveException(name, "is a sparse file, which Kiln does not unpack");
        } else if (entry.isFile()) {
          written += file(tar, dest, name, entry.getMode(), maxBytes - written);
        } else {
          throw new ArchiveException(
              name,
              "is a device, fifo or other special file; function archives may hold files,"
                  + " directories and symlinks");
        }
      }
    }
  }

  private static GzipCompressorInputStream openGzip(InputStream archive) {
    try {
      return new GzipCompressorInputStream(archive);
    } catch (IOException e) {
      throw malformed(e);
    }
  }

  private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) {
    try {
      return tar.getNextEntry();
    } catch (IOException | IllegalArgumentException e) {
      throw malformed(e);
    }
  }

  private static ArchiveException malformed(Exception e) {
    return new ArchiveException(
        null,
        "is not a valid gzip-compressed tar (.tar.gz): "
            + e.getMessage()
            + "; create one with: tar -czf fn.tar.gz -C DIR .");
  }

  /** The entry's path relative to the function directory, with {@code ./} and slashes trimmed. */
  private static String relativePath(String name) {
    if (name.length() > MAX_PATH_LENGTH) {
      throw new ArchiveException(
          name.substring(0, 60) + "...",
          "has a path longer than " + MAX_PATH_LENGTH + " characters");
    }
    if (name.indexOf('\0') >= 0) {
      throw new ArchiveException(name.replace('\0', '?'), "has a NUL character in its path");
    }
    if (name.startsWith("/")) {
      throw new ArchiveException(
          name, "is an absolute path; archive paths must be relative to the function directory");
    }
    StringBuilder rel = new StringBuilder();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new ArchiveException(
            name, "climbs out of the function directory with '..'; archive paths must stay inside");
      }
      if (rel.length() > 0) {
        rel.append('/');
      }
      rel.append(part);
    }
    return rel.toString();
  }

  /**
   * Refuses to write below a symlink: even one pointing inside could be swapped or chained by a
   * later entry, so entries are only ever created in real directories.
   */
  private static void refuseSymlinkOnPath(Path root, Path dest, String name) {
    for (Path p = dest.getParent(); p != null && !p.equals(root); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        throw new ArchiveException(
            name, "lies below the symlink '" + root.relativize(p) + "'; Kiln does not follow it");
      }
    }
    if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)
        && !Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
      throw new ArchiveException(name, "appears twice in the archive");
    }
  }

  private static void symlink(Path root, Path dest, String name, String linkName)
      throws IOException {
    if (linkName == null || linkName.isEmpty()) {
      throw new ArchiveException(name, "is a symlink without a target");
    }
    Path target = Path.of(linkName);
    Path resolved = dest.getParent().resolve(target).normalize();
    if (target.isAbsolute() || !resolved.startsWith(root)) {
      throw new ArchiveException(
          name, "is a symlink to '" + linkName + "', outside the function directory");
    }
    Files.createDirectories(dest.getParent());
    Files.createSymbolicLink(dest, target);
  }

  private long file(InputStream in, Path dest, String name, int mode, long budget)
      throws IOException {
    Files.createDirectories(dest.getParent());
    long n = 0;
    byte[] buffer = new byte[64 * 1024];
    // CREATE_NEW is O_CREAT|O_EXCL: it never follows a symlink planted at dest.
    try (OutputStream out =
        Files.newOutputStream(
            dest,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
      int r;
      while ((r = read(in, buffer)) > 0) {
        n += r;
        if (n > budget) {
          throw new ArchiveException(
              name,
              "makes the archive unpack to more than "
                  + Math.max(1, maxBytes >> 20)
                  + " MiB (kiln.deploy.max-unpacked-size)");
        }
        out.write(buffer, 0, r);
      }
    }
    Files.setPosixFilePermissions(
        dest, PosixFilePermissions.fromString((mode & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
    return n;
  }

  private static int read(InputStream in, byte[] buffer) {
    try {
      return in.read(buffer);
    } catch (IOException e) {
      throw malformed(e);
    }
  }
}
