package dev.kiln.node.image;

import java.time.Instant;

/**
 * One tar entry translated into what the unpacker will do, after the stateless checks passed.
 *
 * @param kind what to create
 * @param name the entry's name as in the tar, for messages
 * @param path normalised path relative to the layer root ("" is the root itself)
 * @param link symlink target (verbatim) or hardlink target (normalised); null otherwise
 * @param mode permission bits, setuid/setgid already stripped
 */
record LayerEntry(
    Kind kind,
    String name,
    String path,
    String link,
    int mode,
    long size,
    int uid,
    int gid,
    Instant mtime) {

  enum Kind {
    DIRECTORY,
    FILE,
    SYMLINK,
    HARDLINK,
    /** {@code .wh.<name>}: hide {@code path} in lower layers. */
    WHITEOUT,
    /** {@code .wh..wh..opq}: hide the lower layers' contents of directory {@code path}. */
    OPAQUE,
    /** An entry with no effect on the tree (aufs metadata such as {@code .wh..wh.plnk}). */
    SKIP
  }
}
