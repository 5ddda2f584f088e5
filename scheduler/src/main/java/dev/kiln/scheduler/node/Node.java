package dev.kiln.scheduler.node;

import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import dev.kiln.common.node.NodeApi;
import dev.kiln.common.node.NodeException;
import dev.kiln.common.node.NodeInfo;
import dev.kiln.common.node.StemCellPool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A registered node as the scheduler sees it: its API, its last heartbeat, the images the scheduler
 * ensured on it, a recent view of its stem cells, and the memory reserved by containers the
 * scheduler placed there. Internal to the scheduler module.
 */
public final class Node {
  private final String id;
  private final NodeApi api;
  private volatile NodeInfo info;
  private volatile Instant lastHeartbeat;
  private volatile boolean lost;
  private volatile Instant failedUntil = Instant.MIN;
  private final Set<String> ensuredImages = ConcurrentHashMap.newKeySet();
  private final Map<String, Object> ensuring = new ConcurrentHashMap<>();
  private final AtomicLong reservedMiB = new AtomicLong();
  private final AtomicInteger containers = new AtomicInteger();
  private final StemCellView stemCells = new StemCellView();

  Node(String id, NodeApi api, NodeInfo info, Instant now) {
    this.id = id;
    this.api = api;
    this.info = info;
    this.lastHeartbeat = now;
  }

  /** The node's id. */
  public String id() {
    return id;
  }

  /** How to reach it. */
  public NodeApi api() {
    return api;
  }

  /** What it said in its last heartbeat (or at registration). */
  public NodeInfo info() {
    return info;
  }

  /** When it last reported. */
  public Instant lastHeartbeat() {
    return lastHeartbeat;
  }

  void heartbeat(NodeInfo latest, Instant now) {
    if (latest != null) {
      info = latest;
    }
    lastHeartbeat = now;
  }

  /** True once the node left the registry: lost, removed or registered again. */
  public boolean isLost() {
    return lost;
  }

  void markLost() {
    lost = true;
  }

  /** Places the node after the healthy ones until {@code until}: it failed a start or a call. */
  public void markFailed(Instant until) {
    failedUntil = until;
  }

  /** False during the cool-down after a failure. */
  public boolean isHealthy(Instant now) {
    return !now.isBefore(failedUntil);
  }

  /** True when the scheduler has ensured {@code image} on this node. */
  public boolean hasImage(ImageRef image) {
    return ensuredImages.contains(image.toString());
  }

  /**
   * Makes {@code image} ready on the node unless the scheduler did so before. Parallel starts of
   * one image on one node wait for a single pull instead of each pulling it.
   */
  public void ensureImage(ImageRef image) {
    String key = image.toString();
    if (ensuredImages.contains(key)) {
      return;
    }
    synchronized (ensuring.computeIfAbsent(key, k -> new Object())) {
      if (!ensuredImages.contains(key)) {
        api.ensureImage(image);
        ensuredImages.add(key);
      }
    }
  }

  /**
   * Stem cells of {@code runtime} ready on the node, from a view at most {@code ttl} old. A node
   * that cannot answer counts as having none.
   */
  public int stemCellsReady(Runtime runtime, Instant now, Duration ttl) {
    return stemCells.ready(runtime, now, ttl);
  }

  /** Counts a stem cell of {@code runtime} as taken in the cached view. */
  public void tookStemCell(Runtime runtime) {
    stemCells.took(runtime);
  }

  /**
   * Reserves room for one container using {@code memoryMiB}; false when the node lacks it (checked
   * and reserved in one step, so that parallel starts never over-commit a node).
   */
  public boolean tryReserve(int memoryMiB) {
    while (true) {
      long reserved = reservedMiB.get();
      NodeInfo now = info;
      long byNode = now == null ? 0 : now.reservedMemoryMiB();
      if (memoryMiB() - Math.max(reserved, byNode) < memoryMiB) {
        return false;
      }
      if (reservedMiB.compareAndSet(reserved, reserved + memoryMiB)) {
        containers.incrementAndGet();
        return true;
      }
    }
  }

  /** Gives back the room of one container. */
  public void release(int memoryMiB) {
    reservedMiB.addAndGet(-memoryMiB);
    containers.decrementAndGet();
  }

  /** Containers the scheduler placed here, starting ones included. */
  public int containers() {
    return containers.get();
  }

  /**
   * Memory reserved: the larger of the scheduler's own count (up to date) and the node's (which
   * also sees stem cells and containers the scheduler forgot).
   */
  public long reservedMemoryMiB() {
    NodeInfo now = info;
    return Math.max(reservedMiB.get(), now == null ? 0 : now.reservedMemoryMiB());
  }

  /** Memory capacity, 0 when unknown. */
  public long memoryMiB() {
    NodeInfo now = info;
    return now == null ? 0 : now.memoryMiB();
  }

  /** Memory not reserved yet. */
  public long freeMemoryMiB() {
    return memoryMiB() - reservedMemoryMiB();
  }

  /** Share of memory reserved, 0 to 1 (1 when the capacity is unknown). */
  public double load() {
    long capacity = memoryMiB();
    return capacity <= 0 ? 1.0 : (double) reservedMemoryMiB() / capacity;
  }

  @Override
  public String toString() {
    return "node " + id;
  }

  /** The last answer of {@link NodeApi#stemCells()}, asked again once it is older than a TTL. */
  private final class StemCellView {
    private List<StemCellPool> pools = new ArrayList<>();
    private Instant fetched = Instant.MIN;

    synchronized int ready(Runtime runtime, Instant now, Duration ttl) {
      if (fetched.plus(ttl).isBefore(now) || fetched.equals(Instant.MIN)) {
        try {
          pools = new ArrayList<>(api.stemCells());
        } catch (NodeException | UnsupportedOperationException e) {
          pools = new ArrayList<>();
        }
        fetched = now;
      }
      return pools.stream().filter(p -> p.runtime() == runtime).mapToInt(StemCellPool::ready).sum();
    }

    synchronized void took(Runtime runtime) {
      pools.replaceAll(
          p ->
              p.runtime() == runtime && p.ready() > 0
                  ? new StemCellPool(p.runtime(), p.ready() - 1, p.target(), p.taken() + 1)
                  : p);
    }
  }
}
