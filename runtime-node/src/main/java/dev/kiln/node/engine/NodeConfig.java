package dev.kiln.node.engine;

import dev.kiln.common.ImageRef;
import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import dev.kiln.image.registry.RegistryClient;
import dev.kiln.image.store.ImageStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a node engine runs.
 *
 * @param nodeId the node's id; names its cgroup subtree ({@code kiln-<nodeId>}), so two nodes on
 *     one machine keep apart
 * @param dataDir the node's directory: layer cache, containers, cells, logs, OCI runtime state
 * @param store where images are found and pulled to (in all-in-one mode, the control plane's)
 * @param registry pulls images the store lacks, or {@code null} to use the store only
 * @param stemCells stem cells to keep ready, per runtime (absent or 0: none)
 * @param runtimeImages the runtime image of each runtime with stem cells (e.g. one built {@code
 *     FROM kiln/python})
 * @param cpuMillis CPU capacity offered to containers
 * @param memoryMiB memory capacity offered to containers
 * @param cellLimits limits of a stem cell until it is taken
 * @param logCapBytes size at which a container's stdout or stderr file is cut to its newest half
 * @param defaultDeadline how long the node waits for a runner's {@code /init}
 * @param startTimeout how long a new container's runner may take to listen
 */
public record NodeConfig(
    String nodeId,
    Path dataDir,
    ImageStore store,
    RegistryClient registry,
    Map<Runtime, Integer> stemCells,
    Map<Runtime, ImageRef> runtimeImages,
    int cpuMillis,
    long memoryMiB,
    Limits cellLimits,
    long logCapBytes,
    Duration defaultDeadline,
    Duration startTimeout) {

  /** 1 MiB of stdout and of stderr per container. */
  public static final long DEFAULT_LOG_CAP = 1024 * 1024;

  /** 1 GiB, 2 cores, 1024 pids, 1 h. */
  public static final Limits DEFAULT_CELL_LIMITS =
      new Limits(1024, 2000, 1024, Duration.ofHours(1));

  private static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");

  public NodeConfig {
    if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
      throw new IllegalArgumentException(
          "node id '" + nodeId + "' must be 1-41 of [a-z0-9-], starting with a letter or digit");
    }
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(store, "store");
    stemCells = copy(stemCells);
    runtimeImages = copy(runtimeImages);
    for (Map.Entry<Runtime, Integer> e : stemCells.entrySet()) {
      if (e.getValue() < 0) {
        throw new IllegalArgumentException(
            "stem cells of " + e.getKey().id() + " must be >= 0, got " + e.getValue());
      }
      if (e.getValue() > 0 && !runtimeImages.containsKey(e.getKey())) {
        throw new IllegalArgumentException(
            "stem cells of "
                + e.getKey().id()
                + " need its runtime image (e.g. kiln/"
                + e.getKey().id()
                + ")");
      }
    }
    if (cpuMillis < 1 || memoryMiB < 1) {
      throw new IllegalArgumentException("node capacity must be positive");
    }
    Objects.requireNonNull(cellLimits, "cellLimits");
    if (logCapBytes < 1024) {
      throw new IllegalArgumentException("log cap must be at least 1024 bytes, got " + logCapBytes);
    }
    Objects.requireNonNull(defaultDeadline, "defaultDeadline");
    Objects.requireNonNull(startTimeout, "startTimeout");
  }

  /**
   * A config with this machine's CPUs and memory as capacity, no stem cells, no registry, and the
   * defaults: {@link #DEFAULT_CELL_LIMITS}, {@link #DEFAULT_LOG_CAP}, a 30 s {@code /init} deadline
   * and a 10 s start timeout.
   */
  public static NodeConfig defaults(String nodeId, Path dataDir, ImageStore store) {
    return new NodeConfig(
        nodeId,
        dataDir,
        store,
        null,
        Map.of(),
        Map.of(),
        java.lang.Runtime.getRuntime().availableProcessors() * 1000,
        machineMemoryMiB(),
        DEFAULT_CELL_LIMITS,
        DEFAULT_LOG_CAP,
        Duration.ofSeconds(30),
        Duration.ofSeconds(10));
  }

  /** This config keeping {@code count} stem cells of {@code runtime}, from {@code image}. */
  public NodeConfig withStemCells(Runtime runtime, int count, ImageRef image) {
    Map<Runtime, Integer> cells = new EnumMap<>(Runtime.class);
    cells.putAll(stemCells);
    cells.put(runtime, count);
    Map<Runtime, ImageRef> images = new EnumMap<>(Runtime.class);
    images.putAll(runtimeImages);
    images.put(runtime, image);
    return new NodeConfig(
        nodeId,
        dataDir,
        store,
        registry,
        cells,
        images,
        cpuMillis,
        memoryMiB,
        cellLimits,
        logCapBytes,
        defaultDeadline,
        startTimeout);
  }

  /** This config pulling missing images through {@code client}. */
  public NodeConfig withRegistry(RegistryClient client) {
    return new NodeConfig(
        nodeId,
        dataDir,
        store,
        client,
        stemCells,
        runtimeImages,
        cpuMillis,
        memoryMiB,
        cellLimits,
        logCapBytes,
        defaultDeadline,
        startTimeout);
  }

  /** This config offering {@code value} MiB of memory to containers. */
  public NodeConfig withMemoryMiB(long value) {
    return new NodeConfig(
        nodeId,
        dataDir,
        store,
        registry,
        stemCells,
        runtimeImages,
        cpuMillis,
        value,
        cellLimits,
        logCapBytes,
        defaultDeadline,
        startTimeout);
  }

  /** This config with another log cap. */
  public NodeConfig withLogCapBytes(long value) {
    return new NodeConfig(
        nodeId,
        dataDir,
        store,
        registry,
        stemCells,
        runtimeImages,
        cpuMillis,
        memoryMiB,
        cellLimits,
        value,
        defaultDeadline,
        startTimeout);
  }

  /** The cgroup subtree of this node. */
  public String cgroupSubtree() {
    return "kiln-" + nodeId;
  }

  private static <V> Map<Runtime, V> copy(Map<Runtime, V> map) {
    Map<Runtime, V> copy = new EnumMap<>(Runtime.class);
    if (map != null) {
      copy.putAll(map);
    }
    return Collections.unmodifiableMap(copy);
  }

  private static long machineMemoryMiB() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(1, os.getTotalMemorySize() / (1024 * 1024));
    }
    return 1024;
  }
}
