package dev.kiln.scheduler.pool;

import dev.kiln.scheduler.api.SchedulerListener;
import dev.kiln.scheduler.api.StopReason;
import dev.kiln.scheduler.node.Node;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** The containers of one function's pool. Not thread-safe: guarded by the pool's lock. */
final class ContainerTable {
  private final String function;
  private final SchedulerListener listener;
  private final Executor calls;
  private final List<PooledContainer> containers = new ArrayList<>();

  ContainerTable(String function, SchedulerListener listener, Executor calls) {
    this.function = function;
    this.listener = listener;
    this.calls = calls;
  }

  void add(PooledContainer c) {
    containers.add(c);
  }

  /** Every container, for iteration while the table changes. */
  List<PooledContainer> all() {
    return List.copyOf(containers);
  }

  /** Containers of {@code generation}: the ones that count towards scale. */
  int count(int generation) {
    int n = 0;
    for (PooledContainer c : containers) {
      if (c.generation == generation) {
        n++;
      }
    }
    return n;
  }

  /**
   * A container of {@code generation} with fewer than {@code concurrency} calls: on a healthy node
   * first, then the most recently used, so that the others idle out past their keep-alive.
   */
  PooledContainer available(int generation, int concurrency, Instant now) {
    PooledContainer best = null;
    for (PooledContainer c : containers) {
      if (c.generation != generation || c.leases.size() >= concurrency) {
        continue;
      }
      if (best == null || better(c, best, now)) {
        best = c;
      }
    }
    return best;
  }

  private static boolean better(PooledContainer c, PooledContainer than, Instant now) {
    boolean healthy = c.node.isHealthy(now);
    if (healthy != than.node.isHealthy(now)) {
      return healthy;
    }
    return c.lastUsed.isAfter(than.lastUsed);
  }

  /** Takes a slot on {@code c} for one call. */
  Lease lease(PooledContainer c, Instant now) {
    Lease lease = Lease.on(c, c.served ? null : c.coldStart);
    c.served = true;
    c.leases.add(lease);
    c.lastUsed = now;
    return lease;
  }

  /** Idle containers unused for longer than {@code keepAlive}, longest idle first. */
  List<PooledContainer> idlePast(Duration keepAlive, Instant now) {
    List<PooledContainer> idle = new ArrayList<>();
    for (PooledContainer c : containers) {
      if (c.leases.isEmpty() && c.lastUsed.plus(keepAlive).isBefore(now)) {
        idle.add(c);
      }
    }
    idle.sort(Comparator.comparing((PooledContainer c) -> c.lastUsed));
    return idle;
  }

  /** Lets go of {@code c}: its room on the node is freed; with {@code stop} the node stops it. */
  void retire(PooledContainer c, StopReason reason, boolean stop) {
    c.gone = true;
    containers.remove(c);
    c.node.release(c.memoryMiB);
    listener.containerStopped(function, c.node.id(), c.id, reason);
    if (stop) {
      stopLater(c.node, c.id);
    }
  }

  /** Asks {@code node} to stop a container, off the caller's thread; failures are ignored. */
  void stopLater(Node node, String containerId) {
    try {
      calls.execute(() -> Pools.stopQuietly(node, containerId));
    } catch (RejectedExecutionException shuttingDown) {
      // The scheduler is closing; the node reconciles its containers when it starts again.
    }
  }

  /** {idle, busy, calls in flight}. */
  int[] counts() {
    int idle = 0;
    int busy = 0;
    int inFlight = 0;
    for (PooledContainer c : containers) {
      inFlight += c.leases.size();
      if (c.leases.isEmpty()) {
        idle++;
      } else {
        busy++;
      }
    }
    return new int[] {idle, busy, inFlight};
  }
}
