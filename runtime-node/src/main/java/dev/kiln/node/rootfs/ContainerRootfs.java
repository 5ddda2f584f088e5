package dev.kiln.node.rootfs;

import dev.kiln.node.sys.FileTrees;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A container's mounted root filesystem: the image layers (read-only, shared) under the container's
 * own upper dir. {@link #close()} unmounts it and deletes the upper and work dirs, so whatever the
 * container wrote dies with it; the layers are never written.
 */
public final class ContainerRootfs implements AutoCloseable {
  private final String id;
  private final List<Path> lowerDirs;
  private final Path upper;
  private final Path work;
  private final Path rootfs;

  ContainerRootfs(String id, List<Path> lowerDirs, Path upper, Path work, Path rootfs) {
    this.id = id;
    this.lowerDirs = List.copyOf(lowerDirs);
    this.upper = upper;
    this.work = work;
    this.rootfs = rootfs;
  }

  /** The container id. */
  public String id() {
    return id;
  }

  /** The merged view, the container's {@code /}. */
  public Path rootfs() {
    return rootfs;
  }

  /** The container's writable layer. */
  public Path upperDir() {
    return upper;
  }

  /** The image layers, top first. */
  public List<Path> lowerDirs() {
    return lowerDirs;
  }

  /** Whether the overlay is mounted at {@link #rootfs()} in this mount namespace. */
  public boolean isMounted() throws IOException {
    return MountTable.read().isMountPoint(rootfs);
  }

  /**
   * Unmounts the overlay (lazily, {@code MNT_DETACH}, so a straggling process cannot block it) and
   * deletes the upper, work and rootfs dirs. Safe to call twice.
   */
  @Override
  public void close() throws IOException {
    MountTable.unmountAllUnder(rootfs);
    if (!MountTable.read().under(rootfs).isEmpty()) {
      throw new IOException(
          "container " + id + ": " + rootfs + " is still mounted; its upper dir was kept");
    }
    for (Path p : List.of(upper, work, rootfs)) {
      FileTrees.deleteTree(p);
    }
  }
}
