package dev.kiln.node.image;

/**
 * Bounds on what one layer may contain; a layer beyond any of them is rejected as hostile.
 *
 * @param maxTotalBytes size of the uncompressed tar stream (content and headers)
 * @param maxEntries number of tar entries
 * @param maxPathLength length in bytes of one entry's path (and of a link target)
 * @param maxDepth number of components in one entry's path
 */
public record UnpackLimits(long maxTotalBytes, int maxEntries, int maxPathLength, int maxDepth) {

  /** 2 GiB, 200,000 entries, paths of 4096 bytes and 256 components (Linux's PATH_MAX). */
  public static final UnpackLimits DEFAULTS =
      new UnpackLimits(2L * 1024 * 1024 * 1024, 200_000, 4096, 256);

  public UnpackLimits {
    if (maxTotalBytes <= 0 || maxEntries <= 0 || maxPathLength <= 0 || maxDepth <= 0) {
      throw new IllegalArgumentException(
          "unpack limits must be positive, got bytes="
              + maxTotalBytes
              + " entries="
              + maxEntries
              + " pathLength="
              + maxPathLength
              + " depth="
              + maxDepth);
    }
  }

  /** These limits with another bound on the uncompressed size. */
  public UnpackLimits withMaxTotalBytes(long bytes) {
    return new UnpackLimits(bytes, maxEntries, maxPathLength, maxDepth);
  }

  /** These limits with another bound on the entry count. */
  public UnpackLimits withMaxEntries(int entries) {
    return new UnpackLimits(maxTotalBytes, entries, maxPathLength, maxDepth);
  }
}
