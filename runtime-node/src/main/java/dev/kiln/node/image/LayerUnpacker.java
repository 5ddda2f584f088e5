package dev.kiln.node.image;

import dev.kiln.common.Digest;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks one layer blob into an empty directory: detects gzip, hashes the blob and the
 * uncompressed tar while reading it, enforces the {@link UnpackLimits}, and hands each entry,
 * translated and checked by {@link EntryRules}, to a {@link LayerWriter}.
 */
final class LayerUnpacker {
  private static final int GZIP_MAGIC_1 = 0x1f;
  private static final int GZIP_MAGIC_2 = 0x8b;

  private final Digest diffId;
  private final UnpackLimits limits;
  private final EntryRules rules;

  LayerUnpacker(Digest diffId, UnpackLimits limits) {
    this.diffId = diffId;
    this.limits = limits;
    this.rules = new EntryRules(limits);
  }

  /** What an unpack produced. */
  record Result(int entries) {}

  /** Unpacks into {@code dir} (which must exist and be empty); the caller discards it on error. */
  Result unpack(LayerSource source, Path dir) throws IOException {
    MessageDigest blobHash = Digest.newSha256();
    MessageDigest tarHash = Digest.newSha256();
    LayerWriter writer = new LayerWriter(dir);
    int entries = 0;
    try (InputStream raw = new BufferedInputStream(source.open(), 64 * 1024)) {
      InputStream blob = new DigestInputStream(raw, blobHash);
      InputStream tar =
          new DigestInputStream(
              new Bounded(
                  isGzip(raw) ? new GZIPInputStream(blob, 64 * 1024) : blob,
                  limits.maxTotalBytes()),
              tarHash);
      TarArchiveInputStream in = new TarArchiveInputStream(tar, StandardCharsets.UTF_8.name());
      long declared = 0;
      String current = "(tar header)";
      try {
        TarArchiveEntry e;
        while ((e = in.getNextEntry()) != null) {
          current = e.getName();
          if (e.isGlobalPaxHeader()) {
            continue;
          }
          if (++entries > limits.maxEntries()) {
            throw hostile(current, "exceeds the limit of " + limits.maxEntries() + " entries");
          }
          declared += Math.max(0, e.getSize());
          if (declared > limits.maxTotalBytes()) {
            throw hostile(current, overSize());
          }
          writer.write(rules.translate(e), in);
        }
        writer.finish();
        // The tar reader stops at the end-of-archive marker; the digests cover every byte.
        tar.transferTo(OutputStream.nullOutputStream());
        blob.transferTo(OutputStream.nullOutputStream());
      } catch (EntryRules.Violation v) {
        throw hostile(current, v.getMessage());
      } catch (LimitExceeded x) {
        throw hostile(current, overSize());
      }
    }
    Digest tarDigest = Digest.of(tarHash);
    if (!tarDigest.equals(diffId)) {
      throw new LayerDigestMismatchException(
          diffId, "uncompressed tar (diff_id)", diffId, tarDigest);
    }
    if (source.compressedDigest().isPresent()) {
      Digest blobDigest = Digest.of(blobHash);
      if (!blobDigest.equals(source.compressedDigest().get())) {
        throw new LayerDigestMismatchException(
            diffId, "blob", source.compressedDigest().get(), blobDigest);
      }
    }
    return new Result(entries);
  }

  private String overSize() {
    return "takes the layer over the limit of " + limits.maxTotalBytes() + " uncompressed bytes";
  }

  private HostileLayerException hostile(String entry, String rule) {
    return new HostileLayerException(diffId, entry, rule);
  }

  private static boolean isGzip(InputStream in) throws IOException {
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    return b1 == GZIP_MAGIC_1 && b2 == GZIP_MAGIC_2;
  }

  /** Thrown by {@link Bounded} when the uncompressed stream outgrows the limit. */
  private static final class LimitExceeded extends IOException {
    LimitExceeded() {
      super("uncompressed layer over the size limit", null);
    }
  }

  /** Counts the uncompressed tar stream and stops it at the limit (a decompression bomb). */
  private static final class Bounded extends FilterInputStream {
    private final long limit;
    private long count;

    Bounded(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        add(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        add(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      add(skipped);
      return skipped;
    }

    private void add(long n) throws LimitExceeded {
      count += n;
      if (count > limit) {
        throw new LimitExceeded();
      }
    }
  }
}
