package dev.kiln.node.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The stdout and stderr files of one container: {@code stdout.log} and {@code stderr.log} in its
 * directory. The OCI runtime hands them to the container process opened with {@code O_APPEND}, so
 * the node can shorten them underneath a running process: {@link #cap} keeps the newest half once a
 * file outgrows its cap (copy-truncate, as logrotate's {@code copytruncate} does; output written in
 * the instant between copy and truncate is lost).
 */
public final class LogFiles {
  private static final String STDOUT = "stdout.log";
  private static final String STDERR = "stderr.log";

  private final Path stdout;
  private final Path stderr;

  private LogFiles(Path dir) {
    this.stdout = dir.resolve(STDOUT);
    this.stderr = dir.resolve(STDERR);
  }

  /** The log files of the container whose directory is {@code dir}; nothing is created. */
  public static LogFiles in(Path dir) {
    return new LogFiles(dir);
  }

  /** The stdout file. */
  public Path stdout() {
    return stdout;
  }

  /** The stderr file. */
  public Path stderr() {
    return stderr;
  }

  /**
   * The end of both files, at most {@code maxBytes} in all: stdout then stderr, each under a
   * heading when both have output.
   */
  public String tail(int maxBytes) {
    return render(tailOf(stdout, maxBytes), tailOf(stderr, maxBytes), maxBytes);
  }

  /** The end of stderr alone, at most {@code maxBytes}. */
  public String stderrTail(int maxBytes) {
    return tailOf(stderr, maxBytes);
  }

  /**
   * Shortens each file that is larger than {@code capBytes} to its newest {@code capBytes / 2}
   * bytes.
   *
   * @return how many bytes were dropped
   */
  public long cap(long capBytes) {
    return capFile(stdout, capBytes) + capFile(stderr, capBytes);
  }

  static String render(String out, String err, int maxBytes) {
    if (out.isEmpty()) {
      return lastBytes(err, maxBytes);
    }
    if (err.isEmpty()) {
      return lastBytes(out, maxBytes);
    }
    String outHeading = "--- stdout ---\n";
    String errHeading = "--- stderr ---\n";
    int budget = Math.max(0, maxBytes - outHeading.length() - errHeading.length() - 1);
    int errShare = Math.min(err.length(), Math.max(budget / 2, budget - out.length()));
    int outShare = Math.max(0, budget - errShare);
    String o = lastBytes(out, outShare);
    String e = lastBytes(err, errShare);
    return outHeading + o + (o.endsWith("\n") ? "" : "\n") + errHeading + e;
  }

  private static String lastBytes(String text, int max) {
    return text.length() <= max ? text : text.substring(text.length() - max);
  }

  static String tailOf(Path file, int maxBytes) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      int length = (int) Math.min(size, Math.max(0, maxBytes));
      ByteBuffer buffer = ByteBuffer.allocate(length);
      channel.position(size - length);
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // read until full
      }
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log " + file, e);
    }
  }

  static long capFile(Path file, long capBytes) {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      if (size <= capBytes) {
        return 0;
      }
      long keep = capBytes / 2;
      ByteBuffer kept = ByteBuffer.allocate((int) keep);
      channel.position(size - keep);
      while (kept.hasRemaining() && channel.read(kept) > 0) {
        // read until full
      }
      kept.flip();
      channel.truncate(0);
      channel.position(0);
      while (kept.hasRemaining()) {
        channel.write(kept);
      }
      return size - keep;
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot cap the log " + file, e);
    }
  }

  /** Deletes both files. */
  public void delete() throws IOException {
    Files.deleteIfExists(stdout);
    Files.deleteIfExists(stderr);
  }
}
