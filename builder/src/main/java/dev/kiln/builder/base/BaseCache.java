package dev.kiln.builder.base;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.common.Digest;
import dev.kiln.common.Runtime;
import dev.kiln.image.layer.Layer;
import dev.kiln.image.oci.ImageConfig.RunConfig;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Remembers built bases in {@code <store>/.kiln-bases/<runtime>.json}: the layers, their history
 * and the fingerprint of the host inputs they came from. A lookup only reads that file and checks
 * that the blobs are still in the store (a {@link ImageStore#gc} may have removed them).
 *
 * <p>Builds of one runtime are serialised by a lock file, across threads and processes, so that two
 * builders do not both run jlink; the cache file is replaced atomically either way, so a reader
 * sees the old or the new entry, never half of one.
 */
final class BaseCache {

  /** Bumped when what a base contains changes, so that older cache entries are rebuilt. */
  static final int FORMAT = 3;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  /** The file's content. */
  record Entry(
      int format,
      String runtime,
      String fingerprint,
      String name,
      List<CachedLayer> layers,
      List<String> createdBy,
      RunConfig runConfig,
      String executable) {}

  /** One layer as stored in the file. */
  record CachedLayer(String digest, String diffId, long size) {}

  private final ImageStore store;
  private final Runtime runtime;
  private final Path dir;

  BaseCache(ImageStore store, Runtime runtime) {
    this.store = store;
    this.runtime = runtime;
    this.dir = store.root().resolve(".kiln-bases");
  }

  /** The cache file of this runtime. */
  Path file() {
    return dir.resolve(runtime.id() + ".json");
  }

  /** The cached base, if it was built from inputs with this fingerprint and its blobs remain. */
  Optional<BaseImage> lookup(String fingerprint) {
    Entry e;
    try {
      e = JSON.readValue(file().toFile(), Entry.class);
    } catch (IOException | RuntimeException unreadable) {
      // Missing, or written by another Kiln version: rebuild.
      return Optional.empty();
    }
    if (e.format() != FORMAT
        || !runtime.id().equals(e.runtime())
        || !fingerprint.equals(e.fingerprint())
        || e.layers() == null) {
      return Optional.empty();
    }
    try {
      List<Layer> layers =
          e.layers().stream()
              .map(l -> new Layer(Digest.parse(l.digest()), Digest.parse(l.diffId()), l.size()))
              .toList();
      for (Layer l : layers) {
        if (!store.hasBlob(l.digest())) {
          return Optional.empty();
        }
      }
      return Optional.of(
          new BaseImage(e.name(), layers, e.createdBy(), e.runConfig(), e.executable()));
    } catch (IllegalArgumentException corrupt) {
      return Optional.empty();
    }
  }

  /** Records {@code base} as built from inputs with {@code fingerprint}. */
  void write(String fingerprint, BaseImage base) throws IOException {
    Entry e =
        new Entry(
            FORMAT,
            runtime.id(),
            fingerprint,
            base.name(),
            base.layers().stream()
                .map(l -> new CachedLayer(l.digest().toString(), l.diffId().toString(), l.size()))
                .toList(),
            base.createdBy(),
            base.runConfig(),
            base.executable());
    Files.createDirectories(dir);
    Path part = dir.resolve(runtime.id() + "." + UUID.randomUUID() + ".part");
    try {
      JSON.writeValue(part.toFile(), e);
      Files.move(part, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /**
   * Runs {@code build} holding this runtime's build lock, with a fresh work directory that is
   * removed afterwards. Work directories left by a crashed build are removed first.
   */
  <T> T underLock(WorkBuild<T> build) throws IOException {
    Files.createDirectories(dir);
    Path lockFile = dir.resolve(runtime.id() + ".lock");
    ReentrantLock local = LOCKS.computeIfAbsent(lockFile, f -> new ReentrantLock());
    local.lock();
    try (FileChannel ch =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = ch.lock()) {
      String prefix = runtime.id() + "-work-";
      try (Stream<Path> s = Files.list(dir)) {
        for (Path stale : s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
          deleteTree(stale);
        }
      }
      Path work = Files.createTempDirectory(dir, prefix);
      try {
        return build.run(work);
      } finally {
        deleteTree(work);
      }
    } finally {
      local.unlock();
    }
  }

  /** Work to do under the build lock, in a scratch directory. */
  interface WorkBuild<T> {
    T run(Path workDir) throws IOException;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
