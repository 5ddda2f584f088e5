package dev.kiln.node.launch;

import dev.kiln.common.Limits;
import dev.kiln.common.http.UnixHttpClient;
import dev.kiln.node.cgroup.CgroupException;
import dev.kiln.node.cgroup.Cgroups;
import dev.kiln.node.logs.LogFiles;
import dev.kiln.node.oci.OciRuntime;
import dev.kiln.node.oci.OciRuntimeException;
import dev.kiln.node.rootfs.MountTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

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
   * Kills every process of the container ({@code SIGKILL} through the runtime, then whatever is
   * left in its cgroup) and closes the client. Idempotent; the cgroup stays readable until {@link
   * #remove()}.
   */
  public void kill() {
    if (!killed.compareAndSet(false, true)) {
      return;
    }
    client.close();
    try {
      runtime.kill(id, "KILL");
    } catch (OciRuntimeException alreadyStopped) {
      // The process has exited on its own (crash, OOM kill); the cgroup sweep below finishes.
    }
    cgroups.killAll(id);
  }

  /**
   * Kills the container if needed, then deletes its runtime state, cgroup, mounts and directory.
   * Idempotent.
   */
  public void remove() {
    kill();
    if (!removed.compareAndSet(false, true)) {
      return;
    }
    RuntimeException failure = null;
    try {
      runtime.delete(id, true);
    } catch (OciRuntimeException e) {
      // Never created or already deleted.
    }
    try {
      cgroups.remove(id);
    } catch (CgroupException e) {
      failure = e;
    }
    try {
      MountTable.unmountAllUnder(dir);
      if (!MountTable.read().under(dir).isEmpty()) {
        // Deleting through a mount would delete shared image layers; keep the files instead.
        throw new IOException(dir + " is still mounted; its files were kept");
      }
      deleteTree(dir);
    } catch (IOException e) {
      UncheckedIOException wrapped =
          new UncheckedIOException("cannot remove the files of container " + id, e);
      if (failure != null) {
        wrapped.addSuppressed(failure);
      }
      failure = wrapped;
    }
    if (failure != null) {
      throw failure;
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Override
  public String toString() {
    return "container " + id;
  }
}
