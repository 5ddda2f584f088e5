package dev.kiln.node.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Output of stopped containers, kept per function so that a crash or a timeout can still be read
 * about: {@code <root>/<function>/<container id>.log}, the newest {@code keep} per function.
 */
public final class LogArchive {
  private final Path root;
  private final int keep;
  private final int maxBytes;
  private final Map<String, Path> byId = new ConcurrentHashMap<>();

  /**
   * An archive under {@code root}.
   *
   * @param keep how many stopped containers' logs to keep per function
   * @param maxBytes the most of a container's output kept (its tail)
   */
  public LogArchive(Path root, int keep, int maxBytes) {
    if (keep < 1) {
      throw new IllegalArgumentException("the log archive must keep at least 1, got " + keep);
    }
    this.root = root;
    this.keep = keep;
    this.maxBytes = maxBytes;
  }

  /**
   * Copies the tail of a stopped container's output into the archive and drops the oldest entries
   * of the function beyond the newest {@code keep}. The container's own files are left alone.
   */
  public void retire(String function, String containerId, LogFiles logs) {
    Path dir = root.resolve(function);
    Path file = dir.resolve(containerId + ".log");
    try {
      Files.createDirectories(dir);
      Files.writeString(file, logs.tail(maxBytes), StandardCharsets.UTF_8);
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
      byId.put(containerId, file);
      prune(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the logs of container " + containerId, e);
    }
  }

  /** The tail of an archived container's output, at most {@code maxBytes}. */
  public Optional<String> tail(String containerId, int maxBytes) {
    Path file = byId.get(containerId);
    if (file == null) {
      file = find(containerId);
    }
    if (file == null || !Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(LogFiles.tailOf(file, maxBytes));
  }

  private Path find(String containerId) {
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (DirectoryStream<Path> functions = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path function : functions) {
        Path file = function.resolve(containerId + ".log");
        if (Files.exists(file)) {
          return file;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log archive " + root, e);
    }
    return null;
  }

  private void prune(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.log")) {
      entries.forEach(files::add);
    }
    if (files.size() <= keep) {
      return;
    }
    files.sort(Comparator.comparing(LogArchive::modified).reversed());
    for (Path old : files.subList(keep, files.size())) {
      Files.deleteIfExists(old);
      String name = old.getFileName().toString();
      byId.remove(name.substring(0, name.length() - ".log".length()));
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
