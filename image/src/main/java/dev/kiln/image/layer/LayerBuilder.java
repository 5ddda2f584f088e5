package dev.kiln.image.layer;

import dev.kiln.common.Digest;
import dev.kiln.image.store.BlobInfo;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds one reproducible layer: the same entries always give the same bytes, on any machine.
 *
 * <p>As Jib's {@code ReproducibleLayerBuilder} does: entries are sorted by path, parent directories
 * are added, every entry gets the same modification time, owner 0:0 with no names, long or
 * non-ASCII names go into PAX headers, and the gzip header carries no timestamp or host (Java's
 * {@link GZIPOutputStream} writes a fixed header).
 */
public final class LayerBuilder {

  /**
   * Modification time of every entry: one second after the epoch, since some tools treat a zero
   * timestamp as "unset".
   */
  static final long ENTRY_MTIME_MILLIS = 1000L;

  private static final int DIRECTORY_MODE = 0755;

  private final Map<String, LayerEntry> entries = new TreeMap<>();
  private int compressionLevel = Deflater.DEFAULT_COMPRESSION;

  private LayerBuilder() {}

  /** An empty layer builder. */
  public static LayerBuilder create() {
    return new LayerBuilder();
  }

  /** Adds a file read from disk when the layer is written. */
  public LayerBuilder addFile(String imagePath, Path source, int mode) {
    return put(new LayerEntry(imagePath, EntryKind.FILE, mode, source, null, null));
  }

  /** Adds a file with the given content. */
  public LayerBuilder addBytes(String imagePath, byte[] content, int mode) {
    return put(new LayerEntry(imagePath, EntryKind.FILE, mode, null, content.clone(), null));
  }

  /** Adds a UTF-8 text file. */
  public LayerBuilder addText(String imagePath, String content, int mode) {
    return addBytes(imagePath, content.getBytes(StandardCharsets.UTF_8), mode);
  }

  /** Adds a directory (parents of other entries are added without asking). */
  public LayerBuilder addDirectory(String imagePath, int mode) {
    return put(new LayerEntry(imagePath, EntryKind.DIRECTORY, mode, null, null, null));
  }

  /** Adds a symbolic link. */
  public LayerBuilder addSymlink(String imagePath, String target) {
    return put(new LayerEntry(imagePath, EntryKind.SYMLINK, 0777, null, null, target));
  }

  /** Uses another gzip level (e.g. {@link Deflater#BEST_SPEED} for large base layers). */
  public LayerBuilder compressionLevel(int level) {
    this.compressionLevel = level;
    return this;
  }

  /** Whether no entry was added. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  private LayerBuilder put(LayerEntry entry) {
    entries.put(entry.path(), entry);
    return this;
  }

  /**
   * A digest of what this layer will contain (paths, kinds, modes, content digests), computed
   * without writing the tar. Equal keys mean equal layer bytes, so a cache can skip the work.
   */
  public Digest contentKey() throws IOException {
    MessageDigest md = Digest.newSha256();
    for (LayerEntry e : withParents().values()) {
      String content =
          switch (e.kind()) {
            case DIRECTORY -> "";
            case SYMLINK -> e.linkTarget();
            case FILE ->
                e.bytes() != null
                    ? Digest.sha256(e.bytes()).hex()
                    : Digest.sha256(e.source()).hex();
          };
      md.update(
          (e.kind()
                  + "\0"
                  + e.path()
                  + "\0"
                  + Integer.toOctalString(e.mode())
                  + "\0"
                  + content
                  + "\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    md.update(("gzip-level:" + compressionLevel).getBytes(StandardCharsets.UTF_8));
    return Digest.of(md);
  }

  /** Writes the layer into the store and returns its digests. */
  public Layer build(ImageStore store) throws IOException {
    Map<String, LayerEntry> all = withParents();
    MessageDigest tarDigest = Digest.newSha256();
    BlobInfo blob =
        store.writeBlob(
            out -> {
              GZIPOutputStream gzip = new LevelledGzip(out, compressionLevel);
              DigestOutputStream tarOut = new DigestOutputStream(gzip, tarDigest);
              try (TarArchiveOutputStream tar = newTar(tarOut)) {
                for (LayerEntry e : all.values()) {
                  writeEntry(tar, e);
                }
                tar.finish();
              }
            });
    return new Layer(blob.digest(), Digest.of(tarDigest), blob.size());
  }

  private Map<String, LayerEntry> withParents() {
    Map<String, LayerEntry> all = new TreeMap<>(entries);
    for (String path : entries.keySet()) {
      for (String p = LayerPaths.parent(path); p != null; p = LayerPaths.parent(p)) {
        all.putIfAbsent(
            p, new LayerEntry(p, EntryKind.DIRECTORY, DIRECTORY_MODE, null, null, null));
      }
    }
    return all;
  }

  private static TarArchiveOutputStream newTar(OutputStream out) {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    return tar;
  }

  private static void writeEntry(TarArchiveOutputStream tar, LayerEntry e) throws IOException {
    TarArchiveEntry t =
        switch (e.kind()) {
          case DIRECTORY -> new TarArchiveEntry(e.path() + "/");
          case FILE -> new TarArchiveEntry(e.path());
          case SYMLINK -> new TarArchiveEntry(e.path(), TarConstants.LF_SYMLINK);
        };
    int typeBits =
        switch (e.kind()) {
          case DIRECTORY -> 040000;
          case FILE -> 0100000;
          case SYMLINK -> 0120000;
        };
    t.setMode(typeBits | e.mode());
    t.setModTime(ENTRY_MTIME_MILLIS);
    t.setIds(0, 0);
    t.setNames("", "");
    if (e.kind() == EntryKind.SYMLINK) {
      t.setLinkName(e.linkTarget());
    }
    if (e.kind() == EntryKind.FILE) {
      if (e.bytes() != null) {
        t.setSize(e.bytes().length);
        tar.putArchiveEntry(t);
        tar.write(e.bytes());
      } else {
        t.setSize(Files.size(e.source()));
        tar.putArchiveEntry(t);
        Files.copy(e.source(), tar);
      }
    } else {
      tar.putArchiveEntry(t);
    }
    tar.closeArchiveEntry();
  }

  /** A gzip stream with a chosen deflate level; the header stays Java's fixed one. */
  private static final class LevelledGzip extends GZIPOutputStream {
    LevelledGzip(OutputStream out, int level) throws IOException {
      super(out, 64 * 1024);
      def.setLevel(level);
    }
  }
}
