package dev.kiln.node.testing;

import dev.kiln.common.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds layer tars in memory, names kept verbatim (absolute and {@code ..} included). */
public final class Tars {
  /** A fixed mtime so that test layers are reproducible. */
  public static final Instant MTIME = Instant.parse("2024-05-01T12:00:00Z");

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream out = new TarArchiveOutputStream(bytes);
  private boolean finished;

  private Tars() {
    out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    out.setAddPaxHeadersForNonAsciiNames(true);
  }

  public static Tars builder() {
    return new Tars();
  }

  public Tars dir(String name) {
    return dir(name, 0755);
  }

  public Tars dir(String name, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
    e.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~07777 | mode);
    return add(e, null);
  }

  public Tars file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
  }

  public Tars file(String name, byte[] content, int mode) {
    return file(name, content, mode, 0, 0);
  }

  public Tars file(String name, byte[] content, int mode, int uid, int gid) {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setMode(0100000 | mode);
    e.setSize(content.length);
    e.setUserId(uid);
    e.setGroupId(gid);
    return add(e, content);
  }

  /** A file of {@code size} zero bytes, written without holding them in memory twice. */
  public Tars zeros(String name, long size) {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setMode(0100644);
    e.setSize(size);
    return addStreaming(e, size);
  }

  public Tars symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
    e.setLinkName(target);
    e.setMode(0120777);
    return add(e, null);
  }

  public Tars hardlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
    e.setLinkName(target);
    e.setMode(0100644);
    return add(e, null);
  }

  public Tars charDevice(String name, int major, int minor) {
    return device(name, TarConstants.LF_CHR, major, minor);
  }

  public Tars blockDevice(String name, int major, int minor) {
    return device(name, TarConstants.LF_BLK, major, minor);
  }

  public Tars fifo(String name) {
    return device(name, TarConstants.LF_FIFO, 0, 0);
  }

  /** {@code .wh.<name>} in {@code dir} ("" for the root). */
  public Tars whiteout(String dir, String name) {
    return file(dir.isEmpty() ? ".wh." + name : dir + "/.wh." + name, "");
  }

  /** {@code <dir>/.wh..wh..opq}. */
  public Tars opaque(String dir) {
    return file(dir + "/.wh..wh..opq", "");
  }

  private Tars device(String name, byte type, int major, int minor) {
    TarArchiveEntry e = new TarArchiveEntry(name, type, true);
    e.setDevMajor(major);
    e.setDevMinor(minor);
    e.setMode(0666);
    return add(e, null);
  }

  private Tars add(TarArchiveEntry e, byte[] content) {
    try {
      e.setModTime(java.nio.file.attribute.FileTime.from(MTIME));
      out.putArchiveEntry(e);
      if (content != null) {
        out.write(content);
      }
      out.closeArchiveEntry();
      return this;
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }

  private Tars addStreaming(TarArchiveEntry e, long size) {
    try {
      e.setModTime(java.nio.file.attribute.FileTime.from(MTIME));
      out.putArchiveEntry(e);
      byte[] chunk = new byte[1 << 20];
      for (long left = size; left > 0; left -= chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
      out.closeArchiveEntry();
      return this;
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }

  /** The finished, uncompressed tar. */
  public byte[] tar() {
    try {
      if (!finished) {
        out.finish();
        out.close();
        finished = true;
      }
      return bytes.toByteArray();
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }

  /** The diff_id of {@link #tar()}. */
  public Digest diffId() {
    return Digest.sha256(tar());
  }

  /** {@link #tar()} gzip-compressed. */
  public byte[] gzip() {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(tar());
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    return gz.toByteArray();
  }
}
