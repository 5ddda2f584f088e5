package dev.kiln.node.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Reading and writing cgroup interface files, shared by both cgroup versions. */
final class CgroupFiles {
  /** How long removal and killing wait for exiting tasks. */
  static final long WAIT_MILLIS = 5_000;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}");

  private CgroupFiles() {}

  static String checkId(String containerId) {
    if (containerId == null || !ID.matcher(containerId).matches()) {
      throw new IllegalArgumentException("invalid container id: " + containerId);
    }
    return containerId;
  }

  static String read(String id, Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      throw new CgroupException(id, file, "cannot read " + file + " of container " + id, e);
    }
  }

  /** A number file; {@code max} (no limit) reads as -1. */
  static long readLong(String id, Path file) {
    String value = read(id, file);
    return value.equals("max") ? -1 : Long.parseLong(value);
  }

  /** The value of {@code key} in a flat-keyed file such as memory.events or cpu.stat. */
  static OptionalLong readKeyed(String id, Path file, String key) {
    for (String line : read(id, file).split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2 && parts[0].equals(key)) {
        return OptionalLong.of(Long.parseLong(parts[1]));
      }
    }
    return OptionalLong.empty();
  }

  /** Writes without creating: cgroup interface files exist or the kernel does not offer them. */
  static void write(String id, Path file, String value) {
    try {
      Files.writeString(
          file,
          value,
          StandardCharsets.US_ASCII,
          StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new CgroupException(
          id, file, "cannot write '" + value + "' to " + file + " of container " + id, e);
    }
  }

  static void mkdirs(String id, Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CgroupException(id, dir, "cannot create cgroup " + dir, e);
    }
  }

  /** Names of the subdirectories of {@code dir}; empty when it does not exist. */
  static List<String> children(Path dir) {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
      entries.forEach(p -> names.add(p.getFileName().toString()));
    } catch (IOException e) {
      throw new CgroupException(null, dir, "cannot list cgroups in " + dir, e);
    }
    return names;
  }

  /** Pids listed in a {@code cgroup.procs} file; empty when the cgroup is gone. */
  static List<Long> pids(Path procs) {
    List<Long> pids = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(procs, StandardCharsets.US_ASCII)) {
        if (!line.isBlank()) {
          pids.add(Long.parseLong(line.trim()));
        }
      }
    } catch (NoSuchFileException e) {
      return pids;
    } catch (IOException e) {
      throw new CgroupException(null, procs, "cannot read " + procs, e);
    }
    return pids;
  }

  /** Sends SIGKILL to each pid; pids that are already gone are skipped. */
  static void sigkill(List<Long> pids) {
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * Removes a cgroup directory and any child cgroups, deepest first, retrying while the kernel
   * reports it busy because exiting tasks have not left yet.
   */
  static void rmdir(String id, Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    for (String child : children(dir)) {
      rmdir(id, dir.resolve(child));
    }
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    while (true) {
      try {
        Files.deleteIfExists(dir);
        return;
      } catch (FileSystemException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new CgroupException(
              id, dir, "cannot remove cgroup " + dir + " of container " + id + ": tasks remain", e);
        }
        pause(10);
      } catch (IOException e) {
        throw new CgroupException(id, dir, "cannot remove cgroup " + dir, e);
      }
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a cgroup", e);
    }
  }
}
