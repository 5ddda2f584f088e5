package dev.kiln.image.layer;

import java.nio.file.Path;

/**
 * One entry of a layer, before it is written. Exactly one of {@code source}, {@code bytes} and
 * {@code linkTarget} is set for files and symlinks; directories have none.
 */
record LayerEntry(
    String path, EntryKind kind, int mode, Path source, byte[] bytes, String linkTarget) {

  LayerEntry {
    path = LayerPaths.normalize(path);
    if (mode < 0 || mode > 07777) {
      throw new IllegalArgumentException(
          "invalid mode " + Integer.toOctalString(mode) + " for " + path);
    }
    if (kind == EntryKind.FILE && (source == null) == (bytes == null)) {
      throw new IllegalArgumentException(
          "file entry " + path + " needs exactly one content source");
    }
    if (kind == EntryKind.SYMLINK && (linkTarget == null || linkTarget.isEmpty())) {
      throw new IllegalArgumentException("symlink entry " + path + " has no target");
    }
  }
}
