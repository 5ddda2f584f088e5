package dev.kiln.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Blob uploads in progress. Each is a file {@code upload-<id>.part} in the store's temporary
 * directory (flat, so the store's own gc can sweep it too), known only to this process, and
 * forgotten after {@code expiry} without a request.
 */
final class UploadSessions {

  private static final Pattern ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** One upload: its repository and the bytes received so far. */
  static final class Session {
    final String id;
    final String name;
    final Path file;
    private long size;
    private volatile Instant lastUsed;

    private Session(String id, String name, Path file, Instant now) {
      this.id = id;
      this.name = name;
      this.file = file;
      this.lastUsed = now;
    }

    synchronized long size() {
      return size;
    }

    /**
     * Appends a chunk. With {@code start}, the chunk must begin where the upload stands, or the
     * client and Kiln disagree about what was received.
     */
    synchronized void append(InputStream in, Long start) throws IOException, RegistryError {
      if (start != null && start != size) {
        throw new RegistryError(
            RegistryError.Code.RANGE_INVALID,
            "chunk starts at byte " + start + " but the upload has " + size + " bytes",
            Map.of("size", size));
      }
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
        size += in.transferTo(out);
      } catch (NoSuchFileException e) {
        throw new RegistryError(
            RegistryError.Code.BLOB_UPLOAD_UNKNOWN, "upload " + id + " expired; start again");
      }
    }
  }

  private final Path dir;
  private final Duration expiry;
  private final Clock clock;
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();

  UploadSessions(Path dir, Duration expiry, Clock clock) {
    this.dir = dir;
    this.expiry = expiry;
    this.clock = clock;
  }

  Session start(String name) throws IOException {
    expireIdle();
    Files.createDirectories(dir);
    String id = UUID.randomUUID().toString();
    Path file = Files.createFile(dir.resolve("upload-" + id + ".part"));
    Session s = new Session(id, name, file, clock.instant());
    sessions.put(id, s);
    return s;
  }

  /** The session {@code id} of repository {@code name}. */
  Session get(String id, String name) throws RegistryError {
    Session s = ID.matcher(id).matches() ? sessions.get(id) : null;
    if (s == null || !s.name.equals(name)) {
      throw new RegistryError(
          RegistryError.Code.BLOB_UPLOAD_UNKNOWN,
          "no upload " + id + " for repository " + name + " (it may have expired); start again");
    }
    s.lastUsed = clock.instant();
    return s;
  }

  /** Ends a session and deletes what it received. */
  void remove(Session s) throws IOException {
    sessions.remove(s.id, s);
    Files.deleteIfExists(s.file);
  }

  /** Ends sessions idle for longer than the expiry. */
  void expireIdle() throws IOException {
    Instant cutoff = clock.instant().minus(expiry);
    for (Session s : sessions.values()) {
      if (s.lastUsed.isBefore(cutoff)) {
        remove(s);
      }
    }
  }

  int count() {
    return sessions.size();
  }
}
