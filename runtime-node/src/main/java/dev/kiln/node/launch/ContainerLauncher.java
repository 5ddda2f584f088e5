package dev.kiln.node.launch;

import dev.kiln.common.node.NodeException;
import dev.kiln.node.cgroup.Cgroups;
import dev.kiln.node.logs.LogFiles;
import dev.kiln.node.oci.BindMount;
import dev.kiln.node.oci.BundleSpec;
import dev.kiln.node.oci.InvalidBundleException;
import dev.kiln.node.oci.OciBundle;
import dev.kiln.node.oci.OciRuntime;
import dev.kiln.node.oci.OciRuntimeException;
import dev.kiln.node.rootfs.OverlayMounter;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts a container from an image and returns once its runner accepts connections.
 *
 * <p>Steps: an overlay of the image layers with the container's own upper dir at {@code
 * <dir>/rootfs}; {@code <dir>/sock} bound read-write at {@code /run/kiln}, where the runner creates
 * {@code fn.sock}; a bundle at {@code <dir>/bundle} with a read-only root, a tmpfs {@code /tmp} and
 * the limits in {@code linux.resources}; {@code run --detach} with stdout and stderr appended to
 * {@code <dir>/stdout.log} and {@code stderr.log}. Then the socket is polled (connect, 0.2 ms apart
 * at first) until the runner accepts, its process exits, or the start timeout passes. Whatever
 * fails, what was made is removed again.
 */
public final class ContainerLauncher {
  /** Where runners listen, inside the container (docs/protocol.md, "Transport"). */
  public static final String SOCKET_DIR = "/run/kiln";

  private static final String SOCKET_NAME = "fn.sock";
  private static final int LOG_TAIL = 4096;

  private final OciRuntime runtime;
  private final Cgroups cgroups;
  private final OverlayMounter overlays;
  private final Duration startTimeout;

  /**
   * A launcher.
   *
   * @param startTimeout how long a runner may take to accept its first connection
   */
  public ContainerLauncher(
      OciRuntime runtime, Cgroups cgroups, OverlayMounter overlays, Duration startTimeout) {
    this.runtime = runtime;
    this.cgroups = cgroups;
    this.overlays = overlays;
    this.startTimeout = startTimeout;
  }

  /**
   * Launches the container and waits for its runner.
   *
   * @throws NodeException (502) when the container cannot be made, its process exits before the
   *     runner listens (with the end of its output), or the runner does not listen in time
   */
  public Container launch(LaunchSpec spec) {
    Container container = start(spec);
    try {
      awaitRunner(container);
      return container;
    } catch (IOException | RuntimeException e) {
      throw failed(spec, container, e);
    }
  }

  /**
   * Starts the container's process without waiting for a runner: the same overlay, socket
   * directory, bundle and detached run as {@link #launch}, returning once the runtime has started
   * the process. For a process that is not a runner (a benchmark's trivial command): the caller
   * waits for it to end ({@link Container#alive()}) and then removes the container.
   *
   * @throws NodeException (502) when the container cannot be made or its process not started;
   *     whatever was made is removed again
   */
  public Container start(LaunchSpec spec) {
    List<String> args = spec.image().args();
    if (args.isEmpty()) {
      throw new NodeException(
          422, "image " + spec.image().manifest() + " has no ENTRYPOINT or CMD: nothing to run");
    }
    Path dir = spec.dir();
    Path sockDir = dir.resolve("sock");
    Path socket = sockDir.resolve(SOCKET_NAME);
    LogFiles logs = LogFiles.in(dir);
    Container container =
        new Container(spec.id(), dir, socket, logs, runtime, cgroups, spec.limits());
    try {
      Files.createDirectories(sockDir);
      Files.createFile(logs.stdout());
      Files.createFile(logs.stderr());
      overlays.create(spec.id(), spec.image().layerDirsTopFirst(), dir);
      BundleSpec.Builder bundle =
          BundleSpec.builder(spec.id(), dir.resolve("rootfs"), args)
              .cwd(spec.image().workingDir())
              .hostname(spec.hostname())
              .cgroupsPath(cgroups.cgroupsPath(spec.id()))
              .limits(spec.limits())
              .mount(BindMount.readWrite(sockDir, SOCKET_DIR))
              .mounts(spec.mounts());
      if (spec.background()) {
        bundle.cpuShares(BundleSpec.BACKGROUND_CPU_SHARES);
      }
      environment(spec).forEach(bundle::env);
      runtime.run(
          OciBundle.write(dir.resolve("bundle"), bundle.build()), logs.stdout(), logs.stderr());
      return container;
    } catch (IOException | RuntimeException e) {
      throw failed(spec, container, e);
    }
  }

  /** Removes what was made of a container that failed to start; the exception to throw. */
  private static NodeException failed(LaunchSpec spec, Container container, Exception e) {
    try {
      container.remove();
    } catch (RuntimeException suppressed) {
      e.addSuppressed(suppressed);
    }
    if (e instanceof NodeException n) {
      return n;
    }
    if (e instanceof OciRuntimeException || e instanceof InvalidBundleException) {
      return new NodeException(
          502, "container " + spec.id() + " did not start: " + e.getMessage(), e);
    }
    return new NodeException(
        502, "cannot prepare container " + spec.id() + ": " + e.getMessage(), e);
  }

  /** The image's environment with the spec's over it; a null value removes a variable. */
  static Map<String, String> environment(LaunchSpec spec) {
    Map<String, String> env = new TreeMap<>(spec.image().env());
    spec.env()
        .forEach(
            (name, value) -> {
              if (value == null) {
                env.remove(name);
              } else {
                env.put(name, value);
              }
            });
    return env;
  }

  /**
   * Polls the socket until a connect succeeds. Every 10th attempt also checks the cgroup for a live
   * process, so a runner that dies (a bad handler, a missing library) fails the start at once
   * instead of at the timeout.
   */
  private void awaitRunner(Container container) throws IOException {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(container.socket());
    for (int attempt = 0; ; attempt++) {
      if (Files.exists(container.socket()) && connects(address)) {
        return;
      }
      if (attempt % 10 == 9 && !container.alive()) {
        throw new NodeException(
            502,
            "container "
                + container.id()
                + ": the runner exited before it listened on "
                + SOCKET_DIR
                + "/"
                + SOCKET_NAME
                + "; its output:\n"
                + container.logs().tail(LOG_TAIL));
      }
      if (System.nanoTime() > deadline) {
        throw new NodeException(
            502,
            "container "
                + container.id()
                + ": the runner did not listen on "
                + SOCKET_DIR
                + "/"
                + SOCKET_NAME
                + " within "
                + startTimeout.toMillis()
                + " ms; its output:\n"
                + container.logs().tail(LOG_TAIL));
      }
      // 0.2 ms apart for the first 0.5 s, where fresh runners become ready, 1 ms after that.
      LockSupport.parkNanos(attempt < 2500 ? 200_000 : 1_000_000);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while container " + container.id() + " started");
      }
    }
  }

  private static boolean connects(UnixDomainSocketAddress address) {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return channel.connect(address);
    } catch (IOException notYet) {
      return false;
    }
  }
}
