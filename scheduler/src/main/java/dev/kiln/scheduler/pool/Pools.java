package dev.kiln.scheduler.pool;

import dev.kiln.common.concurrent.DaemonThreads;
import dev.kiln.common.node.Invocation;
import dev.kiln.scheduler.api.FunctionTarget;
import dev.kiln.scheduler.api.NodeFailureException;
import dev.kiln.scheduler.api.SchedulerConfig;
import dev.kiln.scheduler.api.SchedulerListener;
import dev.kiln.scheduler.api.Served;
import dev.kiln.scheduler.api.Snapshot.FunctionState;
import dev.kiln.scheduler.api.UnknownFunctionException;
import dev.kiln.scheduler.node.Node;
import dev.kiln.scheduler.node.NodeRegistry;
import dev.kiln.scheduler.placement.Placement;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The pools of every deployed function, and the threads they share: a small fixed pool that starts
 * containers, and a pool that carries node calls. Each function's pool has a lock of its own.
 * Internal to the scheduler module.
 */
public final class Pools implements AutoCloseable {
  private final Map<String, FunctionPool> pools = new ConcurrentHashMap<>();
  private final ExecutorService starts;
  private final ExecutorService calls;
  private final PoolContext ctx;
  private final CallRunner runner;

  /** Pools placing containers on the nodes of {@code registry}. */
  public Pools(
      NodeRegistry registry, SchedulerConfig config, SchedulerListener listener, Clock clock) {
    this.starts =
        Executors.newFixedThreadPool(config.startThreads(), DaemonThreads.numbered("kiln-start-"));
    this.calls = Executors.newCachedThreadPool(DaemonThreads.numbered("kiln-call-"));
    ContainerStarter starter =
        new ContainerStarter(
            registry, new Placement(config.stemCellViewTtl()), clock, config.nodeFailureCooldown());
    this.ctx = new PoolContext(clock, config, listener, starter, starts, calls);
    this.runner = new CallRunner(ctx);
  }

  /** Serves {@code target}: a new pool, or the function's pool switched to it. */
  public void deploy(FunctionTarget target) {
    pools.compute(
        target.name(),
        (name, pool) -> {
          if (pool == null) {
            return new FunctionPool(target, ctx);
          }
          pool.update(target);
          return pool;
        });
  }

  /** Stops serving {@code name}; false when it was not deployed. */
  public boolean undeploy(String name) {
    FunctionPool pool = pools.remove(name);
    if (pool == null) {
      return false;
    }
    pool.close(
        new UnknownFunctionException(
            name, "function '" + name + "' was undeployed while the call waited for a container"),
        true);
    return true;
  }

  /** Runs one call of {@code function}; see {@code Scheduler.invoke}. */
  public Served invoke(String function, Invocation invocation) {
    FunctionPool pool = pools.get(function);
    if (pool == null) {
      throw notDeployed(function);
    }
    return runner.run(pool, invocation);
  }

  /** Forgets what ran on {@code node}; see {@link FunctionPool#nodeGone}. */
  public void nodeGone(Node node, String message, boolean failInFlight) {
    for (FunctionPool pool : pools.values()) {
      pool.nodeGone(node, message, failInFlight);
    }
  }

  /** Keep-alive and minScale for every function. */
  public void maintain(Instant now) {
    for (FunctionPool pool : pools.values()) {
      pool.maintain(now);
    }
  }

  /** Every function's pool, by name. */
  public List<FunctionState> states() {
    return pools.values().stream()
        .map(FunctionPool::state)
        .sorted(Comparator.comparing(FunctionState::name))
        .toList();
  }

  /** Fails waiting calls and stops the threads; containers are left to their nodes. */
  @Override
  public void close() {
    for (FunctionPool pool : pools.values()) {
      pool.close(
          new NodeFailureException(503, pool.name(), null, "the Kiln scheduler is shutting down"),
          false);
    }
    pools.clear();
    starts.shutdownNow();
    calls.shutdown();
  }

  static UnknownFunctionException notDeployed(String name) {
    return new UnknownFunctionException(name, "function '" + name + "' is not deployed");
  }

  static void stopQuietly(Node node, String containerId) {
    try {
      node.api().stop(containerId);
    } catch (RuntimeException e) {
      // The node reconciles containers it no longer needs; a failed stop changes nothing here.
    }
  }
}
