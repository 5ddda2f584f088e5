package dev.kiln.scheduler;

import dev.kiln.common.Digest;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

/**
 * A runtime node in memory: containers are entries in a map, invocations answer through a
 * configurable handler. Tracks what the scheduler asked of it, to check placement and counts.
 */
public final class FakeNode implements NodeApi {
  public final String id;
  private final long memoryMiB;
  private final Map<String, Live> containers = new ConcurrentHashMap<>();
  private final Map<Runtime, Integer> stemCells = new EnumMap<>(Runtime.class);
  private final AtomicInteger nextId = new AtomicInteger();

  public final List<ImageRef> ensured = new CopyOnWriteArrayList<>();
  public final List<StartRequest> starts = new CopyOnWriteArrayList<>();
  public final List<String> stopped = new CopyOnWriteArrayList<>();
  public final List<String> invocations = new CopyOnWriteArrayList<>();
  public final AtomicInteger stemCellQueries = new AtomicInteger();
  public final AtomicInteger maxLive = new AtomicInteger();
  public final AtomicInteger maxInFlightPerContainer = new AtomicInteger();
  public final AtomicInteger inFlight = new AtomicInteger();

  /** Invocations wait here for a permit when set: tests hold and release calls. */
  public volatile Semaphore gate;

  public volatile BiFunction<String, Invocation, InvocationResult> handler = FakeNode::ok;
  public volatile NodeException startFailure;
  public volatile NodeException ensureFailure;
  public volatile long maxLatencyNanos;

  public FakeNode(String id, long memoryMiB) {
    this.id = id;
    this.memoryMiB = memoryMiB;
  }

  public FakeNode(String id) {
    this(id, 4096);
  }

  public FakeNode withStemCells(Runtime runtime, int ready) {
    synchronized (stemCells) {
      stemCells.put(runtime, ready);
    }
    return this;
  }

  public static InvocationResult ok(String containerId, Invocation invocation) {
    return new InvocationResult.Ok(
        200,
        Map.of(),
        (containerId + ":" + invocation.id()).getBytes(StandardCharsets.UTF_8),
        Duration.ofMillis(1));
  }

  public int live() {
    return containers.size();
  }

  @Override
  public NodeInfo info() {
    return new NodeInfo(id, "runc", 1, 4000, memoryMiB, containers.size(), 0, 0);
  }

  @Override
  public ImageStatus ensureImage(ImageRef image) {
    if (ensureFailure != null) {
      throw ensureFailure;
    }
    ensured.add(image);
    return new ImageStatus(
        Digest.sha256(image.toString().getBytes(StandardCharsets.UTF_8)), 3, 3, 1);
  }

  @Override
  public ContainerInfo start(StartRequest request) {
    starts.add(request);
    if (startFailure != null) {
      throw startFailure;
    }
    ContainerInfo.ColdStart kind = ContainerInfo.ColdStart.FRESH;
    synchronized (stemCells) {
      Integer ready = stemCells.get(request.spec().runtime());
      if (request.mode() != StartRequest.StartMode.FRESH && ready != null && ready > 0) {
        stemCells.put(request.spec().runtime(), ready - 1);
        kind = ContainerInfo.ColdStart.STEM_CELL;
      }
    }
    String containerId = id + "-c" + nextId.incrementAndGet();
    containers.put(containerId, new Live());
    maxLive.accumulateAndGet(containers.size(), Math::max);
    return new ContainerInfo(
        containerId,
        request.spec().name(),
        request.version(),
        null,
        kind,
        ContainerInfo.State.IDLE,
        Instant.now(),
        Duration.ofMillis(kind == ContainerInfo.ColdStart.STEM_CELL ? 5 : 300));
  }

  @Override
  public InvocationResult invoke(String containerId, Invocation invocation) {
    Live live = containers.get(containerId);
    if (live == null) {
      throw new NodeException(404, "no container " + containerId + " on node " + id);
    }
    int now = live.inFlight.incrementAndGet();
    maxInFlightPerContainer.accumulateAndGet(now, Math::max);
    inFlight.incrementAndGet();
    try {
      invocations.add(invocation.id());
      Semaphore g = gate;
      if (g != null) {
        g.acquireUninterruptibly();
      }
      long latency = maxLatencyNanos;
      if (latency > 0) {
        LockSupport.parkNanos(java.util.concurrent.ThreadLocalRandom.current().nextLong(latency));
      }
      InvocationResult result = handler.apply(containerId, invocation);
      if (result instanceof InvocationResult.Timeout
          || result instanceof InvocationResult.OutOfMemory) {
        containers.remove(containerId);
      }
      return result;
    } finally {
      live.inFlight.decrementAndGet();
      inFlight.decrementAndGet();
    }
  }

  @Override
  public void stop(String containerId) {
    // Gone first, then recorded: a test that waits for the record then sees the container gone.
    containers.remove(containerId);
    stopped.add(containerId);
  }

  @Override
  public List<ContainerInfo> containers() {
    return List.of();
  }

  @Override
  public ContainerStats stats(String containerId) {
    return new ContainerStats(0, 0, 0, 0, 0);
  }

  @Override
  public List<StemCellPool> stemCells() {
    stemCellQueries.incrementAndGet();
    synchronized (stemCells) {
      List<StemCellPool> pools = new ArrayList<>();
      stemCells.forEach((rt, ready) -> pools.add(new StemCellPool(rt, ready, 2, 0)));
      return pools;
    }
  }

  @Override
  public String logs(String containerId, int maxBytes) {
    return "";
  }

  private static final class Live {
    final AtomicInteger inFlight = new AtomicInteger();
  }
}
