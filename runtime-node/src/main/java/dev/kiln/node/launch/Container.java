package dev.kiln.node.launch;

import dev.kiln.common.Limits;
import dev.kiln.common.http.UnixHttpClient;
import dev.kiln.node.cgroup.CgroupException;
import dev.kiln.node.cgroup.Cgroups;
import dev.kiln.node.logs.LogFiles;
import dev.kiln.node.oci.OciRuntime;
import dev.kiln.node.oci.OciRuntimeException;
import dev.kiln.node.rootfs.MountTable;
import dev.kiln.node.rootfs.OverlayMounter;
import dev.kiln.node.sys.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running container: its directory, its runner's socket and the one HTTP client the node keeps
 * for it, its log files and its cgroup. {@link #kill()} ends its processes; {@link #remove()} then
 * deletes everything it left (runtime state, cgroup, mounts, directory).
 */
public final class Container {
  private final String id;
  private final Path dir;
  private final Path socket;
  private final UnixHttpClient client;
  private final LogFiles logs;
  private final OciRuntime runtime;
  private final Cgroups cgroups;
  private final AtomicBoolean killed = new AtomicBoolean();
  private final AtomicBoolean removed = new AtomicBoolean();
  private volatile Limits limits;

  Container(
      String id,
      Path dir,
      Path socket,
      LogFiles logs,
      OciRuntime runtime,
      Cgroups cgroups,
      Limits limits) {
    this.id = id;
    this.dir = dir;
    this.socket = socket;
    this.client = UnixHttpClient.of(socket);
    this.logs = logs;
    this.runtime = runtime;
    this.cgroups = cgroups;
    this.limits = limits;
  }

  /** The container id. */
  public String id() {
    return id;
  }

  /** The container's directory on the host. */
  public Path dir() {
    return dir;
  }

  /** The runner's socket, as the host sees it. */
  public Path socket() {
    return socket;
  }

  /** The client for the runner's socket; one request at a time. */
  public UnixHttpClient client() {
    return client;
  }

  /** The container's stdout and stderr files. */
  public LogFiles logs() {
    return logs;
  }

  /** The limits in force now. */
  public Limits limits() {
    return limits;
  }

  /** Changes the limits of the running container (its cgroup), e.g. when a stem cell is taken. */
  public void applyLimits(Limits value) {
    cgroups.apply(id, value);
    this.limits = value;
  }

  /** Whether any process of the container is still alive. */
  public boolean alive() {
    return !cgroups.processes(id).isEmpty();
  }

  /**
   * Kills every process of the container ({@code SIGKILL} to its init through the runtime, then
   * whatever is left in its cgroup) and closes the client. A container whose processes have all
   * exited costs no runtime call. Idempotent; the cgroup stays readable until {@link #remove()}.
   */
  public void kill() {
    if (!killed.compareAndSet(false, true)) {
      return;
    }
    client.close();
    if (alive()) {
      try {
        runtime.kill(id, "KILL");
      } catch (OciRuntimeException alreadyStopped) {
        // The process exited in between (crash, OOM kill); the cgroup sweep below finishes.
      }
    }
    cgroups.killAll(id);
  }

  /**
   * Kills the container if needed, then deletes its runtime state, cgroup, mounts and directory.
   * Once {@link #kill()} has emptied the cgroup the container is stopped, so its runtime state is
   * removed directly ({@link OciRuntime#forgetStopped}) instead of through {@code delete}.
   * Idempotent.
   */
  public void remove() {
    kill();
    if (!removed.compareAndSet(false, true)) {
      return;
    }
    RuntimeException failure = null;
    try {
      runtime.forgetStopped(id);
    } catch (OciRuntimeException e) {
      failure = e;
    }
    try {
      cgroups.remove(id);
    } catch (CgroupException e) {
      failure = chain(failure, e);
    }
    try {
      // The rootfs overlay is normally the only mount; the mount table is read once to be sure.
      OverlayMounter.unmount(dir.resolve("rootfs"));
      if (!MountTable.read().under(dir).isEmpty()) {
        MountTable.unmountAllUnder(dir);
        if (!MountTable.read().under(dir).isEmpty()) {
          // Deleting through a mount would delete shared image layers; keep the files instead.
          throw new IOException(dir + " is still mounted; its files were kept");
        }
      }
      FileTrees.deleteTree(dir);
    } catch (IOException e) {
      failure =
          chain(failure, new UncheckedIOException("cannot remove the files of container " + id, e));
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException chain(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  @Override
  public String toString() {
    return "container " + id;
  }
}
