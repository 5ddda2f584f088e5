package dev.kiln.image.store;

import dev.kiln.common.Digest;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.ImageConfig;
import dev.kiln.image.oci.ImageIndex;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.oci.MediaTypes;
import dev.kiln.image.oci.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Images on disk as an OCI image layout: {@code oci-layout}, {@code index.json} naming images by
 * the {@code org.opencontainers.image.ref.name} annotation, and {@code blobs/sha256/<hex>}. Any OCI
 * tool (skopeo, umoci) reads it as is; the built-in registry serves from it.
 *
 * <p>Safe for concurrent builds, in one process or several: a blob is written to a temporary file
 * and renamed into place only after its digest checks out, so a reader never sees a torn blob;
 * {@code index.json} is rewritten under a file lock and replaced atomically.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md">OCI image
 *     layout</a>
 */
public final class ImageStore {

  private static final String LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}";
  private static final ConcurrentHashMap<Path, ReentrantLock> INDEX_LOCKS =
      new ConcurrentHashMap<>();

  private final Path root;
  private final Path blobs;
  private final Path tmp;

  private ImageStore(Path root) {
    this.root = root;
    this.blobs = root.resolve("blobs").resolve("sha256");
    this.tmp = root.resolve(".kiln-tmp");
  }

  /** Opens the layout at {@code root}, creating an empty one if the directory is new or empty. */
  public static ImageStore open(Path root) throws IOException {
    Path abs = root.toAbsolutePath().normalize();
    Files.createDirectories(abs);
    ImageStore store = new ImageStore(abs);
    Path layout = abs.resolve("oci-layout");
    if (!Files.exists(layout)) {
      try (Stream<Path> s = Files.list(abs)) {
        if (s.anyMatch(p -> !p.getFileName().toString().startsWith("."))) {
          throw new IOException(
              abs + " is neither empty nor an OCI image layout (no oci-layout file)");
        }
      }
      store.writeAtomically(layout, LAYOUT.getBytes(StandardCharsets.UTF_8));
    }
    Files.createDirectories(store.blobs);
    Files.createDirectories(store.tmp);
    if (!Files.exists(abs.resolve("index.json"))) {
      store.writeAtomically(abs.resolve("index.json"), OciJson.write(ImageIndex.of(List.of())));
    }
    return store;
  }

  /** The layout directory. */
  public Path root() {
    return root;
  }

  // ---- blobs -------------------------------------------------------------------------------

  /** Writes a blob through {@code writer}, hashing as it goes, and commits it under its digest. */
  public BlobInfo writeBlob(BlobWriter writer) throws IOException {
    return commit(writer, null);
  }

  /**
   * Stores a blob from a stream, checking that it hashes to {@code expected}.
   *
   * @throws BlobDigestMismatchException if it does not; the store is left unchanged
   */
  public BlobInfo putBlob(InputStream in, Digest expected) throws IOException {
    return commit(out -> in.transferTo(out), expected);
  }

  /** Stores a blob held in memory. */
  public BlobInfo putBlob(byte[] bytes) throws IOException {
    Digest d = Digest.sha256(bytes);
    if (hasBlob(d)) {
      touch(d);
      return new BlobInfo(d, bytes.length);
    }
    return commit(out -> out.write(bytes), d);
  }

  private BlobInfo commit(BlobWriter writer, Digest expected) throws IOException {
    Path part = tmp.resolve(UUID.randomUUID() + ".part");
    MessageDigest md = Digest.newSha256();
    long size;
    try {
      try (OutputStream file = Files.newOutputStream(part, StandardOpenOption.CREATE_NEW);
          CountingOutputStream counter = new CountingOutputStream(file);
          DigestOutputStream out = new DigestOutputStream(counter, md)) {
        writer.write(out);
        out.flush();
        size = counter.count();
      }
      Digest actual = Digest.of(md);
      if (expected != null && !expected.equals(actual)) {
        throw new BlobDigestMismatchException(expected, actual);
      }
      Path target = blobPath(actual);
      if (Files.exists(target)) {
        touch(actual);
      } else {
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        moveIntoPlace(part, target);
      }
      return new BlobInfo(actual, size);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  private static void moveIntoPlace(Path part, Path target) throws IOException {
    try {
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      // Another build committed the same content first: same bytes, nothing to do.
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("image store needs atomic renames within " + target.getParent(), e);
    }
  }

  /** Whether the blob is present. */
  public boolean hasBlob(Digest digest) {
    return Files.isRegularFile(blobPath(digest));
  }

  /** Where the blob lives (or would live). */
  public Path blobPath(Digest digest) {
    if (!"sha256".equals(digest.algorithm())) {
      return root.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
    }
    return blobs.resolve(digest.hex());
  }

  /** The size of a stored blob. */
  public long blobSize(Digest digest) throws IOException {
    return Files.size(existing(digest));
  }

  /** Opens a stored blob for reading. */
  public InputStream openBlob(Digest digest) throws IOException {
    return Files.newInputStream(existing(digest));
  }

  /** Reads a (small) stored blob into memory. */
  public byte[] readBlob(Digest digest) throws IOException {
    return Files.readAllBytes(existing(digest));
  }

  private Path existing(Digest digest) throws BlobNotFoundException {
    Path p = blobPath(digest);
    if (!Files.isRegularFile(p)) {
      throw new BlobNotFoundException(root, digest);
    }
    return p;
  }

  /** Marks a blob as recently used, so a concurrent {@link #gc} leaves it alone. */
  private void touch(Digest digest) {
    try {
      Files.setLastModifiedTime(blobPath(digest), FileTime.from(Instant.now()));
    } catch (IOException e) {
      // Best effort: a failed touch only shortens the blob's grace period.
    }
  }

  /** Reads and parses a stored image manifest. */
  public Manifest readManifest(Digest digest) throws IOException {
    return OciJson.read(readBlob(digest), Manifest.class);
  }

  /** Reads and parses a stored image config. */
  public ImageConfig readConfig(Digest digest) throws IOException {
    return OciJson.read(readBlob(digest), ImageConfig.class);
  }

  // ---- names -------------------------------------------------------------------------------

  /** Names an image: adds or replaces the {@code index.json} entry with this ref name. */
  public void tag(String name, Descriptor manifest) throws IOException {
    if (!hasBlob(manifest.digest())) {
      throw new BlobNotFoundException(root, manifest.digest());
    }
    updateIndex(
        entries -> {
          entries.removeIf(d -> name.equals(d.refName()));
          entries.add(manifest.withRefName(name));
        });
  }

  /** Removes a name; the blobs stay until {@link #gc}. Returns whether the name existed. */
  public boolean untag(String name) throws IOException {
    boolean[] removed = {false};
    updateIndex(entries -> removed[0] = entries.removeIf(d -> name.equals(d.refName())));
    return removed[0];
  }

  /** The manifest descriptor named {@code name}. */
  public Optional<Descriptor> resolve(String name) throws IOException {
    return readIndex().manifests().stream().filter(d -> name.equals(d.refName())).findFirst();
  }

  /** Every named image, in name order. */
  public List<Descriptor> images() throws IOException {
    return readIndex().manifests().stream()
        .filter(d -> d.refName() != null)
        .sorted(java.util.Comparator.comparing(Descriptor::refName))
        .toList();
  }

  private ImageIndex readIndex() throws IOException {
    return OciJson.read(Files.readAllBytes(root.resolve("index.json")), ImageIndex.class);
  }

  private interface IndexEdit {
    void apply(List<Descriptor> entries) throws IOException;
  }

  private void updateIndex(IndexEdit edit) throws IOException {
    withIndexLock(
        () -> {
          List<Descriptor> entries = new ArrayList<>(readIndex().manifests());
          edit.apply(entries);
          entries.sort(
              java.util.Comparator.comparing(
                  (Descriptor d) -> d.refName() == null ? "" : d.refName()));
          writeAtomically(root.resolve("index.json"), OciJson.write(ImageIndex.of(entries)));
          return null;
        });
  }

  private interface Locked<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code body} holding the store's lock: a JVM-wide lock (file locks are per process) and an
   * exclusive lock on {@code .kiln-lock} for other processes.
   */
  private <T> T withIndexLock(Locked<T> body) throws IOException {
    ReentrantLock local = INDEX_LOCKS.computeIfAbsent(root, r -> new ReentrantLock());
    local.lock();
    try (FileChannel ch =
            FileChannel.open(
                root.resolve(".kiln-lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = ch.lock()) {
      return body.run();
    } finally {
      local.unlock();
    }
  }

  private void writeAtomically(Path target, byte[] bytes) throws IOException {
    Files.createDirectories(tmp);
    Path part = tmp.resolve(UUID.randomUUID() + ".part");
    try {
      Files.write(part, bytes, StandardOpenOption.CREATE_NEW);
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  // ---- garbage collection ------------------------------------------------------------------

  /**
   * Deletes blobs that no named image reaches. Blobs written or reused within {@code grace} are
   * kept even when unreferenced: they may belong to a build that has not named its image yet.
   */
  public GcResult gc(Duration grace) throws IOException {
    return withIndexLock(
        () -> {
          Set<Digest> live = new HashSet<>();
          for (Descriptor d : readIndex().manifests()) {
            mark(d, live);
          }
          Instant cutoff = Instant.now().minus(grace);
          int removed = 0;
          int kept = 0;
          long freed = 0;
          try (Stream<Path> s = Files.list(blobs)) {
            for (Path p : (Iterable<Path>) s::iterator) {
              Digest d;
              try {
                d = new Digest("sha256", p.getFileName().toString());
              } catch (IllegalArgumentException notABlob) {
                continue;
              }
              if (live.contains(d) || Files.getLastModifiedTime(p).toInstant().isAfter(cutoff)) {
                kept++;
                continue;
              }
              long size = Files.size(p);
              if (Files.deleteIfExists(p)) {
                removed++;
                freed += size;
              }
            }
          }
          cleanTemporaryFiles(cutoff);
          return new GcResult(removed, freed, kept);
        });
  }

  private void mark(Descriptor d, Set<Digest> live) throws IOException {
    if (!live.add(d.digest()) || !hasBlob(d.digest())) {
      return;
    }
    if (MediaTypes.INDEXES.contains(d.mediaType())) {
      for (Descriptor m : OciJson.read(readBlob(d.digest()), ImageIndex.class).manifests()) {
        mark(m, live);
      }
    } else if (MediaTypes.IMAGE_MANIFESTS.contains(d.mediaType())) {
      Manifest m = readManifest(d.digest());
      live.add(m.config().digest());
      for (Descriptor layer : m.layers()) {
        live.add(layer.digest());
      }
    }
  }

  private void cleanTemporaryFiles(Instant cutoff) throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Counts bytes on their way to a file. */
  private static final class CountingOutputStream extends java.io.FilterOutputStream {
    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    long count() {
      return count;
    }
  }
}
