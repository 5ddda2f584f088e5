package dev.kiln.node.oci;

import java.nio.file.Path;

/**
 * What the OCI runtime reports about one container ({@code runc state}, {@code runc list}).
 *
 * @param id the container id
 * @param status its lifecycle status
 * @param pid host pid of the container's init process, 0 when it is not running
 * @param bundle the bundle directory it was created from
 */
public record ContainerState(String id, Status status, long pid, Path bundle) {

  /**
   * Lifecycle status from the OCI runtime-spec (runtime.md "State"), plus {@code paused}, which
   * runc and crun report.
   */
  public enum Status {
    /** Being created. */
    CREATING,
    /** Created, the user process not started yet. */
    CREATED,
    /** The user process runs. */
    RUNNING,
    /** Frozen. */
    PAUSED,
    /** The user process has exited; only {@code delete} is left. */
    STOPPED;

    /** Parses the runtime's lowercase status word. */
    public static Status parse(String value) {
      return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
  }
}
