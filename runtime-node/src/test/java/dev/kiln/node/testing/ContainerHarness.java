package dev.kiln.node.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.node.cgroup.Cgroups;
import dev.kiln.node.oci.BundleSpec;
import dev.kiln.node.oci.ContainerState;
import dev.kiln.node.oci.OciBundle;
import dev.kiln.node.oci.OciRuntime;
import dev.kiln.node.oci.OciRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Real containers for integration tests: runc with a private state dir and a private cgroup
 * subtree, so parallel builds do not see each other. {@link #close()} removes everything and
 * asserts that no container, cgroup or process is left.
 */
public final class ContainerHarness implements AutoCloseable {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final Path dir;
  private final Cgroups cgroups;
  private final OciRuntime runtime;
  private final Set<String> started = new LinkedHashSet<>();

  private ContainerHarness(Path dir) {
    Requirements.rootAndRunc();
    this.dir = dir;
    String subtree = "kiln-it-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    this.cgroups = Cgroups.detect(subtree);
    cgroups.prepare();
    this.runtime = OciRuntime.runc(Requirements.runc(), dir.resolve("runc"));
  }

  /** A harness keeping bundles, logs and runc state under {@code dir}. */
  public static ContainerHarness in(Path dir) {
    return new ContainerHarness(dir);
  }

  public Cgroups cgroups() {
    return cgroups;
  }

  public OciRuntime runtime() {
    return runtime;
  }

  /** A spec on the test rootfs, in this harness's cgroup subtree. */
  public BundleSpec.Builder spec(String id, String... args) {
    return BundleSpec.builder(id, TestRootfs.get(), List.of(args))
        .cgroupsPath(cgroups.cgroupsPath(id));
  }

  /** Writes the bundle and runs it detached. */
  public void start(BundleSpec spec) {
    started.add(spec.id());
    OciBundle bundle = OciBundle.write(dir.resolve("bundles").resolve(spec.id()), spec);
    runtime.run(bundle, stdoutLog(spec.id()), stderrLog(spec.id()));
  }

  public Path stdoutLog(String id) {
    return logs().resolve(id + ".out");
  }

  public Path stderrLog(String id) {
    return logs().resolve(id + ".err");
  }

  private Path logs() {
    try {
      return Files.createDirectories(dir.resolve("logs"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the container's process has exited. */
  public void awaitStopped(String id, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (runtime.state(id).status() != ContainerState.Status.STOPPED) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("container " + id + " still runs after " + timeout);
      }
      Thread.sleep(10);
    }
  }

  /** Runs the spec to completion and returns its stdout followed by its stderr. */
  public String runToEnd(BundleSpec spec) throws Exception {
    start(spec);
    awaitStopped(spec.id(), Duration.ofSeconds(60));
    return Files.readString(stdoutLog(spec.id())) + Files.readString(stderrLog(spec.id()));
  }

  /** The host directory of a container's cgroup for a controller (v1) or the only one (v2). */
  public Path hostCgroupDir(String controller, String id) {
    Path root = Path.of("/sys/fs/cgroup");
    Path base = cgroups.version() == 1 ? root.resolve(controller) : root;
    return base.resolve(cgroups.subtree()).resolve(id);
  }

  /** Deletes one container and its cgroup. */
  public void destroy(String id) {
    try {
      runtime.delete(id, true);
    } catch (OciRuntimeException e) {
      // Already deleted.
    }
    cgroups.killAll(id);
    cgroups.remove(id);
  }

  @Override
  public void close() throws IOException {
    try {
      started.forEach(this::destroy);
      assertThat(runtime.list()).as("runc containers left").isEmpty();
      assertThat(cgroups.list()).as("cgroups left").isEmpty();
      assertThat(processesInSubtree()).as("processes left").isEmpty();
    } finally {
      for (Path subtree : subtreeDirs()) {
        Files.deleteIfExists(subtree);
      }
    }
  }

  private List<Path> subtreeDirs() throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
      for (Path hierarchy : hierarchies.toList()) {
        Path subtree = hierarchy.resolve(cgroups.subtree());
        if (Files.isDirectory(subtree)) {
          dirs.add(subtree);
        }
      }
    }
    Path v2 = Path.of("/sys/fs/cgroup", cgroups.subtree());
    if (cgroups.version() == 2 && Files.isDirectory(v2)) {
      dirs.add(v2);
    }
    return dirs;
  }

  /**
   * Live pids whose /proc/[pid]/cgroup puts them in this harness's subtree. Zombies are left out:
   * an exited container init is reparented to the host's init, which reaps it a moment later; it
   * holds no memory and no cgroup.
   */
  public List<Long> processesInSubtree() throws IOException {
    List<Long> pids = new ArrayList<>();
    String marker = ":/" + cgroups.subtree() + "/";
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.toList()) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(proc.resolve("stat"));
          boolean zombie = stat.substring(stat.lastIndexOf(')') + 1).trim().startsWith("Z");
          if (!zombie && Files.readString(proc.resolve("cgroup")).contains(marker)) {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException exited) {
          // The process exited while we looked.
        }
      }
    }
    return pids;
  }
}
