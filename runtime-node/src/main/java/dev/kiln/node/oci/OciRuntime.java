package dev.kiln.node.oci;

import dev.kiln.node.cgroup.Cgroups;
import java.nio.file.Path;
import java.util.List;

/**
 * An OCI runtime (crun or runc) driven through its command line, with a state directory owned by
 * the node. Container output goes to log files: in detached, non-terminal mode the runtime hands
 * its own stdout and stderr to the container process.
 *
 * <p>Runtimes: {@link #detect(Path, Cgroups)} picks crun where it works on this host and runc
 * otherwise (crun 1.8 refuses hybrid cgroup hosts).
 *
 * @see <a href="https://github.com/opencontainers/runtime-spec/blob/v1.0.2/runtime.md">OCI runtime
 *     operations</a>
 */
public interface OciRuntime {

  /**
   * Finds a working runtime: crun first, then runc. Each installed one is probed once by running a
   * trivial container (host {@code /usr} bound read-only, {@code true} as the process) with the
   * same hardening and cgroup layout as function containers.
   *
   * @param nodeDir the node's directory; state goes to {@code <nodeDir>/<runtime>}, the probe
   *     bundle to {@code <nodeDir>/probe} (removed afterwards)
   * @param cgroups the node's cgroups, for the probe's cgroup path and its cleanup
   * @throws IllegalStateException naming why each runtime failed, and how to install runc when
   *     neither is installed
   */
  static OciRuntime detect(Path nodeDir, Cgroups cgroups) {
    return RuntimeProbe.detect(nodeDir, cgroups);
  }

  /** runc at the given path, keeping container state under {@code stateRoot}. */
  static OciRuntime runc(Path binary, Path stateRoot) {
    return new RuncRuntime(binary, stateRoot);
  }

  /** crun at the given path, keeping container state under {@code stateRoot}. */
  static OciRuntime crun(Path binary, Path stateRoot) {
    return new CrunRuntime(binary, stateRoot);
  }

  /** {@code runc} or {@code crun}. */
  String name();

  /** The runtime's executable. */
  Path binary();

  /** The runtime's state directory ({@code --root}), owned by this node. */
  Path stateRoot();

  /**
   * Creates and starts the container ({@code run --detach}) and returns once its process runs. The
   * process's stdout and stderr are appended to the given files, which are created if missing.
   *
   * @throws OciRuntimeException with the runtime's error messages when it fails
   */
  void run(OciBundle bundle, Path stdoutLog, Path stderrLog);

  /**
   * The container's state.
   *
   * @throws OciRuntimeException when the container does not exist
   */
  ContainerState state(String id);

  /**
   * Sends a signal to the container's init process; in its own pid namespace, killing init kills
   * every process of the container.
   *
   * @param signal a name such as {@code TERM} or {@code KILL}, or a number
   */
  void kill(String id, String signal);

  /**
   * Forgets a container none of whose processes is alive any more, without running the runtime:
   * removes {@code <stateRoot>/<id>}, the directory in which runc and crun both keep a container's
   * state. The cgroup, which {@link #delete} would also remove, is the caller's to remove. Saves
   * starting the runtime once more per container (about 6 ms for {@code runc delete}).
   *
   * @throws OciRuntimeException when the state directory cannot be removed
   */
  void forgetStopped(String id);

  /**
   * Deletes the container and its cgroup.
   *
   * @param force also kill it first when it still runs
   */
  void delete(String id, boolean force);

  /** Every container in this state directory, for crash recovery. */
  List<ContainerState> list();
}
