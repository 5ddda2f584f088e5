package dev.kiln.node.image;

import dev.kiln.common.Digest;
import dev.kiln.node.sys.FileTrees;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The node's cache of unpacked image layers, keyed by diff_id and shared by every container.
 *
 * <p>Layout under the root: {@code layers/<hex>/} the unpacked layers (only complete ones: a layer
 * is unpacked into {@code tmp/} and renamed into place atomically), {@code meta/<hex>.json} their
 * sizes (the file's mtime is the last use, for LRU eviction), {@code locks/<hex>.lock} the
 * per-layer locks that make concurrent {@link #ensure} calls, in this process or another, unpack a
 * layer once. Unpacked layers are never written again; overlayfs only reads lower directories.
 *
 * <p>Unpacking treats the tar as hostile; see the {@link dev.kiln.node.image package} docs.
 */
public final class LayerCache {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private final Path layers;
  private final Path meta;
  private final Path locks;
  private final Path tmp;
  private final long budgetBytes;
  private final UnpackLimits limits;

  private LayerCache(Path root, long budgetBytes, UnpackLimits limits) {
    Path r = root.toAbsolutePath().normalize();
    this.layers = r.resolve("layers");
    this.meta = r.resolve("meta");
    this.locks = r.resolve("locks");
    this.tmp = r.resolve("tmp");
    this.budgetBytes = budgetBytes;
    this.limits = limits;
  }

  /** Opens (creating if needed) the cache at {@code root} with the default unpack limits. */
  public static LayerCache open(Path root, long budgetBytes) throws IOException {
    return open(root, budgetBytes, UnpackLimits.DEFAULTS);
  }

  /**
   * Opens (creating if needed) the cache at {@code root}, keeping at most {@code budgetBytes} of
   * unused layers after {@link #evictToBudget}. Leftovers of unpacks that died half-way (a crash)
   * are deleted here; unpacks still running in another process are left alone.
   */
  public static LayerCache open(Path root, long budgetBytes, UnpackLimits limits)
      throws IOException {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("layer cache budget must be >= 0, got " + budgetBytes);
    }
    LayerCache cache = new LayerCache(root, budgetBytes, limits);
    for (Path dir : List.of(cache.layers, cache.meta, cache.locks, cache.tmp)) {
      Files.createDirectories(dir);
    }
    cache.cleanTmp();
    return cache;
  }

  /**
   * The unpacked directory of layer {@code diffId}, unpacking it from {@code source} first if it is
   * not cached. The uncompressed tar must hash to {@code diffId}, and the blob to the source's
   * compressed digest when it has one. Concurrent calls for one layer unpack it once.
   *
   * @throws HostileLayerException when the tar breaks an unpacking rule; nothing is kept
   * @throws LayerDigestMismatchException when the bytes do not match the digests; nothing is kept
   */
  public Path ensure(Digest diffId, LayerSource source) throws IOException {
    Path dir = layerDir(diffId);
    try (LayerLocks.Held lock = LayerLocks.acquire(lockFile(diffId))) {
      if (!Files.isDirectory(dir, NOFOLLOW)) {
        unpack(diffId, source, dir);
      } else if (!Files.exists(metaFile(diffId))) {
        // Renamed into place but the process died before recording it.
        new LayerMeta(diffId.toString(), measure(dir), 0).write(metaFile(diffId));
      }
      Files.setLastModifiedTime(metaFile(diffId), FileTime.from(Instant.now()));
    }
    return dir;
  }

  /** The directory of a cached layer, if it is cached; does not count as a use. */
  public Optional<Path> find(Digest diffId) {
    Path dir = layerDir(diffId);
    return Files.isDirectory(dir, NOFOLLOW) ? Optional.of(dir) : Optional.empty();
  }

  /** The cached layers, least recently used first. */
  public List<CachedLayer> layers() throws IOException {
    List<CachedLayer> result = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layers)) {
      for (Path dir : dirs) {
        if (!dir.getFileName().toString().matches("[a-f0-9]{64}")) {
          continue;
        }
        Digest diffId = new Digest("sha256", dir.getFileName().toString());
        Path metaFile = metaFile(diffId);
        try {
          LayerMeta m = LayerMeta.read(metaFile);
          result.add(
              new CachedLayer(
                  diffId, dir, m.sizeBytes(), Files.getLastModifiedTime(metaFile).toInstant()));
        } catch (NoSuchFileException e) {
          result.add(new CachedLayer(diffId, dir, measure(dir), Instant.EPOCH));
        }
      }
    }
    result.sort(Comparator.comparing(CachedLayer::lastUsed));
    return result;
  }

  /** Bytes of all cached layers, as recorded when they were unpacked. */
  public long usedBytes() throws IOException {
    return layers().stream().mapToLong(CachedLayer::sizeBytes).sum();
  }

  /**
   * Removes least recently used layers, skipping those in {@code inUse}, until the cache is within
   * its budget (or only layers in use remain). A removed layer disappears atomically: it is renamed
   * out of {@code layers/} before its tree is deleted.
   *
   * @param inUse every layer mounted or about to be mounted; these are never removed
   * @return the layers removed, in the order removed
   */
  public List<Digest> evictToBudget(Set<Digest> inUse) throws IOException {
    List<CachedLayer> all = layers();
    long total = all.stream().mapToLong(CachedLayer::sizeBytes).sum();
    List<Digest> evicted = new ArrayList<>();
    for (CachedLayer layer : all) {
      if (total <= budgetBytes) {
        break;
      }
      if (inUse.contains(layer.diffId())) {
        continue;
      }
      if (evict(layer.diffId())) {
        evicted.add(layer.diffId());
        total -= layer.sizeBytes();
      }
    }
    return evicted;
  }

  private boolean evict(Digest diffId) throws IOException {
    Path doomed = tmp.resolve(diffId.hex() + "." + UUID.randomUUID() + ".evicted");
    try (LayerLocks.Held lock = LayerLocks.acquire(lockFile(diffId))) {
      try {
        Files.move(layerDir(diffId), doomed, StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException e) {
        return false;
      }
      Files.deleteIfExists(metaFile(diffId));
      FileTrees.deleteTree(doomed);
    }
    return true;
  }

  private void unpack(Digest diffId, LayerSource source, Path dir) throws IOException {
    Path work = tmp.resolve(diffId.hex() + "." + UUID.randomUUID());
    Files.createDirectory(work);
    try {
      LayerUnpacker.Result result = new LayerUnpacker(diffId, limits).unpack(source, work);
      new LayerMeta(diffId.toString(), measure(work), result.entries()).write(metaFile(diffId));
      try {
        Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        // Another unpacker that does not take the lock won the race; its copy is as good.
        FileTrees.deleteTree(work);
      }
    } catch (IOException | RuntimeException | Error e) {
      try {
        FileTrees.deleteTree(work);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Deletes what dead unpacks and evictions left in {@code tmp/}, skipping live ones. */
  private void cleanTmp() throws IOException {
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp)) {
      for (Path leftover : leftovers) {
        String name = leftover.getFileName().toString();
        int dot = name.indexOf('.');
        String hex = dot < 0 ? name : name.substring(0, dot);
        Path lockFile = locks.resolve(hex + ".lock");
        if (dot < 0 || !hex.matches("[a-f0-9]{64}")) {
          FileTrees.deleteTree(leftover);
          continue;
        }
        try (LayerLocks.Held lock = LayerLocks.tryAcquire(lockFile)) {
          if (lock != null) {
            FileTrees.deleteTree(leftover);
          }
        }
      }
    }
  }

  /** Bytes of file content under {@code dir}, each hardlinked file counted once. */
  private static long measure(Path dir) throws IOException {
    Set<Object> seen = new HashSet<>();
    long[] total = {0};
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile() && seen.add(attrs.fileKey())) {
              total[0] += attrs.size();
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return total[0];
  }

  private Path layerDir(Digest diffId) {
    requireSha256(diffId);
    return layers.resolve(diffId.hex());
  }

  private Path metaFile(Digest diffId) {
    return meta.resolve(diffId.hex() + ".json");
  }

  private Path lockFile(Digest diffId) {
    return locks.resolve(diffId.hex() + ".lock");
  }

  private static void requireSha256(Digest diffId) {
    if (!"sha256".equals(diffId.algorithm())) {
      throw new IllegalArgumentException("layer diff_ids are sha256 digests, got " + diffId);
    }
  }
}
