package dev.kiln.builder.base;

import dev.kiln.image.layer.Layer;
import dev.kiln.image.store.ImageStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Test helper: unpacks layers into a directory the way a container runtime would, keeping symlinks
 * as symlinks (absolute targets unresolved, so they point into the unpacked root once chrooted) and
 * permission bits. It refuses entries that would land outside the directory.
 */
final class LayerUnpacker {

  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE,
    PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_READ,
    PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.GROUP_WRITE,
    PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE,
    PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_READ
  };

  private LayerUnpacker() {}

  /** Unpacks every layer of {@code base}, in order, into {@code dest}. */
  static void unpack(ImageStore store, BaseImage base, Path dest) throws IOException {
    for (Layer layer : base.layers()) {
      unpack(store, layer, dest);
    }
  }

  /** Unpacks one layer into {@code dest}. */
  static void unpack(ImageStore store, Layer layer, Path dest) throws IOException {
    Path root = dest.toRealPath();
    try (TarArchiveInputStream tar = open(store, layer)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path target = root.resolve(e.getName()).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
          throw new IOException("layer entry " + e.getName() + " leaves the root");
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        if (!parent.toRealPath().startsWith(root)) {
          throw new IOException("layer entry " + e.getName() + " goes through a symlink out");
        }
        if (e.isDirectory()) {
          if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(target);
            Files.createDirectory(target);
          }
          Files.setPosixFilePermissions(target, permissions(e.getMode()));
        } else if (e.isSymbolicLink()) {
          Files.deleteIfExists(target);
          Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        } else if (e.isFile()) {
          Files.deleteIfExists(target);
          Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(target, permissions(e.getMode()));
        } else {
          throw new IOException("unexpected entry type in layer: " + e.getName());
        }
      }
    }
  }

  /** Every entry of a layer, by name, with its mode bits (type bits removed). */
  static Map<String, Integer> modes(ImageStore store, Layer layer) throws IOException {
    Map<String, Integer> modes = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = open(store, layer)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        modes.put(e.getName(), e.getMode() & 07777);
      }
    }
    return modes;
  }

  /** Every symlink of a layer, by name, with its target. */
  static Map<String, String> symlinks(ImageStore store, Layer layer) throws IOException {
    Map<String, String> links = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = open(store, layer)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (e.isSymbolicLink()) {
          links.put(e.getName(), e.getLinkName());
        }
      }
    }
    return links;
  }

  private static TarArchiveInputStream open(ImageStore store, Layer layer) throws IOException {
    InputStream in = new BufferedInputStream(store.openBlob(layer.digest()), 1 << 16);
    return new TarArchiveInputStream(new GzipCompressorInputStream(in));
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((mode & (1 << i)) != 0) {
        perms.add(BITS[i]);
      }
    }
    return perms;
  }
}
