package dev.kiln.node.engine;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import dev.kiln.common.concurrent.DaemonThreads;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.ContainerStats;
import dev.kiln.common.node.ImageStatus;
import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.common.node.NodeApi;
import dev.kiln.common.node.NodeException;
import dev.kiln.common.node.NodeInfo;
import dev.kiln.common.node.StartRequest;
import dev.kiln.common.node.StemCellPool;
import dev.kiln.node.cell.CellPool;
import dev.kiln.node.cell.CellStarter;
import dev.kiln.node.cgroup.CgroupException;
import dev.kiln.node.cgroup.CgroupStats;
import dev.kiln.node.cgroup.Cgroups;
import dev.kiln.node.image.LayerCache;
import dev.kiln.node.launch.Container;
import dev.kiln.node.launch.ContainerLauncher;
import dev.kiln.node.launch.LoadedImage;
import dev.kiln.node.logs.LogArchive;
import dev.kiln.node.oci.OciRuntime;
import dev.kiln.node.rootfs.MountTable;
import dev.kiln.node.rootfs.OverlayMounter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The runtime node on this machine: {@link NodeApi} over real containers.
 *
 * <p>Layout of the data directory: {@code layers/} the layer cache, {@code containers/<id>/} and
 * {@code cells/<id>/} one directory per container (rootfs, socket dir, bundle, stdout and stderr),
 * {@code logs/<function>/<id>.log} the output of stopped containers, and the OCI runtime's state
 * ({@code runc/} or {@code crun/}). Containers live in the cgroup subtree {@code kiln-<nodeId>}.
 * {@link #start(NodeConfig)} first removes whatever a previous run left behind ({@link
 * Reconciler}); {@link #close()} stops everything.
 */
public final class NodeEngine implements NodeApi, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(NodeEngine.class.getName());

  /** Unix socket paths hold at most 107 bytes (sun_path, unix(7)). */
  private static final int MAX_SOCKET_PATH = 107;

  private static final int ARCHIVED_PER_FUNCTION = 20;

  private final NodeConfig config;
  private final Path containersDir;
  private final Cgroups cgroups;
  private final OciRuntime runtime;
  private final OverlayMounter overlays = OverlayMounter.create();
  private final ImageLoader images;
  private final ContainerLauncher launcher;
  private final LogArchive archive;
  private final Invoker invoker;
  private final ContainerStarter starter;
  private final Map<String, ContainerRecord> containers = new ConcurrentHashMap<>();
  private final Map<Runtime, CellPool> pools = new EnumMap<>(Runtime.class);
  private final ScheduledExecutorService logKeeper;
  private volatile boolean closed;

  private NodeEngine(NodeConfig config) throws IOException {
    this.config = config;
    Path data = config.dataDir().toAbsolutePath().normalize();
    this.containersDir = data.resolve("containers");
    Path cellsDir = data.resolve("cells");
    // "<data>/containers/<id>/sock/fn.sock" and the cells' equivalent must fit in sun_path.
    int longest =
        data.toString().length() + "/containers/".length() + 48 + "/sock/fn.sock".length();
    if (longest > MAX_SOCKET_PATH) {
      throw new IllegalArgumentException(
          "data dir "
              + data
              + " is too long: container socket paths under it would exceed "
              + MAX_SOCKET_PATH
              + " bytes (Unix sockets); use a shorter path");
    }
    Files.createDirectories(containersDir);
    Files.createDirectories(cellsDir);
    this.cgroups = Cgroups.detect(config.cgroupSubtree());
    cgroups.prepare();
    this.runtime = OciRuntime.detect(data, cgroups);
    this.archive =
        new LogArchive(data.resolve("logs"), ARCHIVED_PER_FUNCTION, (int) config.logCapBytes());
    Reconciler.Report report =
        new Reconciler(runtime, cgroups, containersDir, cellsDir, archive).reconcile();
    if (report.containers() + report.cgroups() + report.mounts() + report.dirs() > 0) {
      LOG.log(
          Level.INFO, "node {0}: cleaned up after the previous run: {1}", config.nodeId(), report);
    }
    this.images =
        new ImageLoader(
            config.store(),
            config.registry(),
            LayerCache.open(data.resolve("layers"), Long.MAX_VALUE));
    this.launcher = new ContainerLauncher(runtime, cgroups, overlays, config.startTimeout());
    this.invoker = new Invoker(cgroups, this::remove);
    this.logKeeper =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("kiln-log-keeper-" + config.nodeId()));
    logKeeper.scheduleWithFixedDelay(this::capLogs, 1, 1, TimeUnit.SECONDS);
    this.starter = new ContainerStarter(containersDir, pools, overlays, launcher, config);
    CellStarter cellStarter = new CellStarter(launcher, cellsDir, config.cellLimits());
    config
        .stemCells()
        .forEach(
            (rt, count) -> {
              if (count > 0) {
                ImageRef ref = config.runtimeImages().get(rt);
                CellPool pool =
                    new CellPool(rt, count, () -> cellStarter.start(rt, images.load(ref)));
                pools.put(rt, pool);
                pool.start();
              }
            });
  }

  /**
   * Starts the engine: detects cgroups and the OCI runtime, cleans up after a previous run on the
   * same data directory, and begins filling the stem-cell pools.
   */
  public static NodeEngine start(NodeConfig config) {
    try {
      return new NodeEngine(config);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + config.nodeId(), e);
    }
  }

  /** The engine's configuration. */
  public NodeConfig config() {
    return config;
  }

  /**
   * Waits until every stem-cell pool is full; false if one is not within {@code timeout}. For tests
   * and for a node that wants its cells before it registers.
   */
  public boolean awaitStemCells(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (CellPool pool : pools.values()) {
      if (!pool.awaitFull(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public NodeInfo info() {
    int cpu = 0;
    long memory = 0;
    for (ContainerRecord r : containers.values()) {
      cpu += r.spec.limits().cpuMillis();
      memory += r.spec.limits().memoryMiB();
    }
    return new NodeInfo(
        config.nodeId(),
        runtime.name(),
        cgroups.version(),
        config.cpuMillis(),
        config.memoryMiB(),
        containers.size(),
        cpu,
        memory);
  }

  @Override
  public ImageStatus ensureImage(ImageRef image) {
    requireOpen();
    return images.ensure(image);
  }

  @Override
  public ContainerInfo start(StartRequest request) {
    requireOpen();
    long begin = System.nanoTime();
    Instant startedAt = Instant.now();
    FunctionSpec spec = request.spec();
    LoadedImage image = images.load(request.image());
    requireCapacity(spec);
    ContainerRecord record = null;
    if (request.mode() != StartRequest.StartMode.FRESH) {
      record = starter.fromStemCell(request, image, begin, startedAt);
    }
    if (record == null) {
      record = starter.fresh(request, image, begin, startedAt);
    }
    containers.put(record.id(), record);
    if (closed) {
      remove(record);
      throw new NodeException(503, "node " + config.nodeId() + " is shutting down");
    }
    return record.info();
  }

  private void requireCapacity(FunctionSpec spec) {
    NodeInfo info = info();
    if (info.reservedMemoryMiB() + spec.limits().memoryMiB() > config.memoryMiB()) {
      throw new NodeException(
          503,
          "node "
              + config.nodeId()
              + " has no room for another "
              + spec.limits().memoryMiB()
              + " MiB container of '"
              + spec.name()
              + "': "
              + info.reservedMemoryMiB()
              + " of "
              + config.memoryMiB()
              + " MiB are reserved");
    }
  }

  @Override
  public InvocationResult invoke(String containerId, Invocation invocation) {
    ContainerRecord record = containers.get(containerId);
    if (record == null) {
      return new InvocationResult.Rejected("no container '" + containerId + "' on this node");
    }
    if (!record.acquire()) {
      return new InvocationResult.Rejected("container '" + containerId + "' has stopped");
    }
    try {
      return invoker.invoke(record, invocation);
    } finally {
      record.release();
    }
  }

  @Override
  public void stop(String containerId) {
    ContainerRecord record = containers.get(containerId);
    if (record != null) {
      remove(record);
    }
  }

  /** Stops a container, keeps its output in the archive and removes it; idempotent. */
  private void remove(ContainerRecord record) {
    record.markStopped();
    containers.remove(record.id(), record);
    Container container = record.container;
    try {
      container.kill();
    } catch (CgroupException e) {
      LOG.log(Level.WARNING, "cannot kill every process of " + container, e);
    }
    try {
      archive.retire(record.spec.name(), record.id(), container.logs());
    } catch (UncheckedIOException e) {
      LOG.log(Level.WARNING, "cannot keep the logs of " + container, e);
    }
    container.remove();
  }

  @Override
  public List<ContainerInfo> containers() {
    List<ContainerInfo> all = new ArrayList<>();
    containers.values().forEach(r -> all.add(r.info()));
    return all;
  }

  @Override
  public ContainerStats stats(String containerId) {
    ContainerRecord record = known(containerId);
    try {
      CgroupStats s = cgroups.stats(record.id());
      return new ContainerStats(
          s.memoryBytes(),
          Math.max(0, s.memoryPeakBytes()),
          s.cpuUsageNanos(),
          (int) s.pids(),
          (int) s.oomKills());
    } catch (CgroupException e) {
      throw new NodeException(404, "container '" + containerId + "' has stopped", e);
    }
  }

  @Override
  public List<StemCellPool> stemCells() {
    List<StemCellPool> all = new ArrayList<>();
    pools.values().forEach(p -> all.add(p.snapshot()));
    return all;
  }

  @Override
  public String logs(String containerId, int maxBytes) {
    ContainerRecord record = containers.get(containerId);
    if (record != null) {
      return record.container.logs().tail(maxBytes);
    }
    return archive
        .tail(containerId, maxBytes)
        .orElseThrow(
            () -> new NodeException(404, "no container '" + containerId + "' on this node"));
  }

  private ContainerRecord known(String containerId) {
    ContainerRecord record = containers.get(containerId);
    if (record == null) {
      throw new NodeException(404, "no container '" + containerId + "' on this node");
    }
    return record;
  }

  private void capLogs() {
    for (ContainerRecord record : containers.values()) {
      try {
        record.container.logs().cap(config.logCapBytes());
      } catch (UncheckedIOException e) {
        // The container was removed while we looked.
      }
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new NodeException(503, "node " + config.nodeId() + " is shut down");
    }
  }

  /** Stops every container and stem cell, then removes the node's cgroup subtree. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    logKeeper.shutdownNow();
    pools.values().forEach(CellPool::close);
    for (ContainerRecord record : new ArrayList<>(containers.values())) {
      try {
        remove(record);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cannot remove container " + record.id(), e);
      }
    }
    try {
      MountTable.unmountAllUnder(containersDir);
      MountTable.unmountAllUnder(containersDir.resolveSibling("cells"));
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot unmount what is left under " + config.dataDir(), e);
    }
    try {
      cgroups.removeSubtree();
    } catch (CgroupException e) {
      LOG.log(Level.WARNING, "cannot remove cgroup subtree " + cgroups.subtree(), e);
    }
  }
}
