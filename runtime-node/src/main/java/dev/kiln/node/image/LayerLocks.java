package dev.kiln.node.image;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per layer, across threads and processes: a {@link ReentrantLock} in this JVM (file locks
 * are per process, and a second lock of the same file from one JVM throws) plus an {@code fcntl}
 * lock of {@code locks/<hex>.lock} for other processes sharing the cache directory.
 */
final class LayerLocks {
  private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private LayerLocks() {}

  /** A held lock; closing releases it. */
  interface Held extends AutoCloseable {
    @Override
    void close() throws IOException;
  }

  /** Blocks until this thread holds the lock of {@code lockFile}. */
  static Held acquire(Path lockFile) throws IOException {
    ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile, f -> new ReentrantLock());
    local.lock();
    try {
      FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.lock();
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      return () -> {
        try {
          lock.release();
          channel.close();
        } finally {
          local.unlock();
        }
      };
    } catch (IOException | RuntimeException e) {
      local.unlock();
      throw e;
    }
  }

  /** The lock if nobody holds it now, else null. */
  static Held tryAcquire(Path lockFile) throws IOException {
    ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile, f -> new ReentrantLock());
    if (!local.tryLock()) {
      return null;
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        local.unlock();
        return null;
      }
      FileChannel held = channel;
      return () -> {
        try {
          lock.release();
          held.close();
        } finally {
          local.unlock();
        }
      };
    } catch (IOException | OverlappingFileLockException e) {
      if (channel != null) {
        channel.close();
      }
      local.unlock();
      return null;
    }
  }
}
