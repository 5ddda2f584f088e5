package dev.kiln.node.cgroup;

import java.nio.file.Path;

/** A cgroup operation on one container failed; says which container, what and where. */
public final class CgroupException extends RuntimeException {
  private final String containerId;
  private final Path path;

  /**
   * @param containerId the container whose cgroup was being changed or read
   * @param path the cgroup file or directory involved
   * @param message what Kiln was doing and why it failed
   * @param cause the underlying I/O error, or {@code null}
   */
  public CgroupException(String containerId, Path path, String message, Throwable cause) {
    super(message, cause);
    this.containerId = containerId;
    this.path = path;
  }

  /** The container whose cgroup was involved. */
  public String containerId() {
    return containerId;
  }

  /** The cgroup file or directory involved. */
  public Path path() {
    return path;
  }
}
