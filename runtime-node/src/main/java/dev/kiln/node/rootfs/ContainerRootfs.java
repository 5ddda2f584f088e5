package dev.kiln.node.rootfs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
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
      deleteTree(p);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
