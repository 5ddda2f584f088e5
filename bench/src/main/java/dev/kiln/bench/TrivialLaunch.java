package dev.kiln.bench;

import dev.kiln.common.Digest;
import dev.kiln.common.Limits;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.ImageConfig;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.store.ImageStore;
import dev.kiln.node.cgroup.Cgroups;
import dev.kiln.node.image.LayerCache;
import dev.kiln.node.image.LayerSource;
import dev.kiln.node.launch.Container;
import dev.kiln.node.launch.ContainerLauncher;
import dev.kiln.node.launch.LaunchSpec;
import dev.kiln.node.launch.LoadedImage;
import dev.kiln.node.oci.OciRuntime;
import dev.kiln.node.rootfs.OverlayMounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A fresh container of a function image running a trivial process instead of its runner, through
 * the node's launch path ({@link ContainerLauncher#start}): overlay of the cached layers, socket
 * directory, bundle with Kiln's hardening and limits, {@code run --detach}; then the wait until the
 * container's cgroup is empty (polled every 0.1 ms) and {@link Container#remove()} (runtime state,
 * cgroup, mounts, directory). Own layer cache, runtime state and cgroup subtree under its data
 * directory, like a node's.
 */
final class TrivialLaunch implements AutoCloseable {
  private static final long POLL_NANOS = 100_000;

  private final Path dataDir;
  private final Cgroups cgroups;
  private final OciRuntime runtime;
  private final ContainerLauncher launcher;
  private final LoadedImage image;
  private int sequence;

  /**
   * @param manifest the function image, whose layers are unpacked into {@code <dataDir>/layers}
   * @param process the trivial process, run instead of the image's entrypoint and cmd
   */
  TrivialLaunch(Path dataDir, ImageStore store, Descriptor manifest, List<String> process)
      throws IOException {
    this.dataDir = dataDir;
    this.cgroups = Cgroups.detect("kiln-bench-launch-" + ProcessHandle.current().pid());
    cgroups.prepare();
    this.runtime = OciRuntime.detect(dataDir, cgroups);
    this.launcher =
        new ContainerLauncher(runtime, cgroups, OverlayMounter.create(), Duration.ofSeconds(10));
    Manifest m = store.readManifest(manifest.digest());
    ImageConfig config = store.readConfig(m.config().digest());
    LayerCache layers = LayerCache.open(dataDir.resolve("layers"), Long.MAX_VALUE);
    List<Digest> diffIds = config.diffIds();
    List<Path> dirs = new ArrayList<>();
    for (int i = 0; i < diffIds.size(); i++) {
      Digest blob = m.layers().get(i).digest();
      dirs.add(layers.ensure(diffIds.get(i), LayerSource.ofFile(store.blobPath(blob), blob)));
    }
    this.image =
        new LoadedImage(
            manifest.digest(),
            config.withRunConfig(config.config().withEntrypoint(process)),
            diffIds,
            dirs);
  }

  /** The OCI runtime the launch path uses ({@code runc} or {@code crun}). */
  String runtimeName() {
    return runtime.name();
  }

  /** One container launched, run to its end and removed; returns the wall time of all three. */
  long once() {
    String id = "trivial-" + (++sequence);
    Path dir = dataDir.resolve("containers").resolve(id);
    long begin = System.nanoTime();
    Container container =
        launcher.start(
            new LaunchSpec(id, dir, image, Map.of(), List.of(), Limits.DEFAULT, null, false));
    awaitExit(container);
    container.remove();
    return System.nanoTime() - begin;
  }

  /** Waits until no process of the container is left; removes it and fails after 10 s. */
  private static void awaitExit(Container container) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (container.alive()) {
      if (System.nanoTime() > deadline) {
        container.remove();
        throw new IllegalStateException("the trivial process of " + container + " ran for 10 s");
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /** Runs the process once and returns its output, to check that it ran at all. */
  String output() throws IOException {
    String id = "trivial-check";
    Path dir = dataDir.resolve("containers").resolve(id);
    Container container =
        launcher.start(
            new LaunchSpec(id, dir, image, Map.of(), List.of(), Limits.DEFAULT, null, false));
    try {
      awaitExit(container);
      return Files.readString(container.logs().stdout())
          + Files.readString(container.logs().stderr());
    } finally {
      container.remove();
    }
  }

  @Override
  public void close() {
    cgroups.removeSubtree();
  }
}
