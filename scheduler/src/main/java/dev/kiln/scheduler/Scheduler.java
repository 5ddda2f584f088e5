package dev.kiln.scheduler;

import dev.kiln.common.concurrent.DaemonThreads;
import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.common.node.NodeApi;
import dev.kiln.common.node.NodeException;
import dev.kiln.common.node.NodeInfo;
import dev.kiln.scheduler.api.FunctionTarget;
import dev.kiln.scheduler.api.NodeFailureException;
import dev.kiln.scheduler.api.NodeLostException;
import dev.kiln.scheduler.api.SchedulerConfig;
import dev.kiln.scheduler.api.SchedulerListener;
import dev.kiln.scheduler.api.Served;
import dev.kiln.scheduler.api.Snapshot;
import dev.kiln.scheduler.api.TooManyRequestsException;
import dev.kiln.scheduler.api.UnknownFunctionException;
import dev.kiln.scheduler.node.Node;
import dev.kiln.scheduler.node.NodeRegistry;
import dev.kiln.scheduler.pool.Pools;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Places invocations on warm containers across runtime nodes. Thread-safe: request threads call
 * {@link #invoke} concurrently; each function's pool has a lock of its own.
 *
 * <p>Create one with {@link #create}, register nodes, deploy functions, then {@link #start()} the
 * background maintenance (lost nodes, keep-alive, minScale). Tests drive maintenance themselves
 * with {@link #runMaintenance()} and a clock of their own.
 */
public final class Scheduler implements AutoCloseable {
  private final SchedulerConfig config;
  private final Clock clock;
  private final SchedulerListener listener;
  private final NodeRegistry registry = new NodeRegistry();
  private final Pools pools;
  private ScheduledExecutorService maintenance;

  private Scheduler(SchedulerConfig config, SchedulerListener listener, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.listener = new SafeListener(listener);
    this.pools = new Pools(registry, config, this.listener, clock);
  }

  /** A scheduler on the system clock; call {@link #start()} to run its maintenance. */
  public static Scheduler create(SchedulerConfig config, SchedulerListener listener) {
    return create(config, listener, Clock.systemUTC());
  }

  /**
   * A scheduler whose heartbeats and keep-alives follow {@code clock}. Waiting in the queue and for
   * nodes measures real time up to the invocation's deadline as read on this clock.
   */
  public static Scheduler create(SchedulerConfig config, SchedulerListener listener, Clock clock) {
    return new Scheduler(
        config == null ? SchedulerConfig.DEFAULT : config,
        listener == null ? SchedulerListener.NONE : listener,
        clock == null ? Clock.systemUTC() : clock);
  }

  /**
   * Starts the background thread that runs {@link #runMaintenance()} every maintenance interval.
   */
  public synchronized Scheduler start() {
    if (maintenance == null) {
      maintenance =
          Executors.newSingleThreadScheduledExecutor(
              DaemonThreads.named("kiln-scheduler-maintenance"));
      long millis = config.maintenanceInterval().toMillis();
      maintenance.scheduleWithFixedDelay(
          this::maintainQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /**
   * Registers a runtime node, asking it for its capacity; a node registering again under the same
   * id replaces its old entry, whose containers are forgotten.
   *
   * @throws NodeException when the node cannot say what it is
   */
  public void registerNode(String nodeId, NodeApi node) {
    NodeInfo info = node.info();
    Node previous = registry.register(nodeId, node, info, clock.instant());
    if (previous != null) {
      pools.nodeGone(
          previous,
          "node " + nodeId + " registered again (restarted?); the invocation was not completed",
          true);
    }
  }

  /**
   * Records a heartbeat with the node's current use.
   *
   * @return false when the node is not registered (lost, or never joined): it should register again
   */
  public boolean heartbeat(String nodeId, NodeInfo info) {
    return registry.heartbeat(nodeId, info, clock.instant());
  }

  /**
   * Takes a node out of service: no new containers go there and its containers are forgotten; calls
   * running there finish on their own.
   *
   * @return false when the node was not registered
   */
  public boolean removeNode(String nodeId) {
    Node node = registry.remove(nodeId);
    if (node == null) {
      return false;
    }
    pools.nodeGone(node, "node " + nodeId + " was removed", false);
    return true;
  }

  /**
   * Serves a function version. Deploying a function again with another version, spec or image
   * switches new calls to it; containers of the old one finish their calls and stop. {@code
   * minScale} containers are started at once.
   */
  public void deploy(FunctionTarget target) {
    pools.deploy(target);
  }

  /**
   * Stops serving a function: waiting calls fail with {@link UnknownFunctionException}, idle
   * containers stop now and busy ones after their calls.
   *
   * @return false when it was not deployed
   */
  public boolean undeploy(String name) {
    return pools.undeploy(name);
  }

  /**
   * Runs one call of {@code function} and waits for its result, at most until the invocation's
   * deadline plus {@link SchedulerConfig#deadlineMargin()}. A call that waited in the queue past
   * its deadline ends with a {@link InvocationResult.Timeout}.
   *
   * @throws TooManyRequestsException the function is at maxScale and its queue is full (429)
   * @throws NodeLostException the node running the call stopped answering heartbeats (502)
   * @throws NodeFailureException a node failed to start a container or to run the call (502/503)
   * @throws UnknownFunctionException the function is not deployed (404)
   */
  public InvocationResult invoke(String function, Invocation invocation) {
    return pools.invoke(function, invocation).result();
  }

  /**
   * Like {@link #invoke}, and also says where the call ran and whether it was the first call of a
   * newly started container (a cold call, of that container's start kind) or a warm one.
   */
  public Served serve(String function, Invocation invocation) {
    return pools.invoke(function, invocation);
  }

  /** The nodes in service (registered and not lost), by id, sorted: for reading their state. */
  public Map<String, NodeApi> nodes() {
    Map<String, NodeApi> nodes = new TreeMap<>();
    for (Node n : registry.nodes()) {
      if (!n.isLost()) {
        nodes.put(n.id(), n.api());
      }
    }
    return nodes;
  }

  /** Functions and nodes as they are now. */
  public Snapshot snapshot() {
    Instant now = clock.instant();
    List<Snapshot.NodeState> nodes =
        registry.nodes().stream()
            .sorted(Comparator.comparing(Node::id))
            .map(
                n ->
                    new Snapshot.NodeState(
                        n.id(),
                        n.containers(),
                        n.memoryMiB(),
                        n.reservedMemoryMiB(),
                        n.info() == null ? 0 : n.info().cpuMillis(),
                        n.lastHeartbeat(),
                        n.isHealthy(now)))
            .toList();
    return new Snapshot(pools.states(), nodes);
  }

  /**
   * One round of maintenance: nodes silent for longer than the heartbeat timeout are lost (calls
   * running there fail, waiting calls are placed elsewhere), idle containers past their keep-alive
   * stop, and functions below minScale start containers. The background thread calls it; tests call
   * it directly.
   */
  public void runMaintenance() {
    Instant now = clock.instant();
    for (Node lost : registry.expire(now, config.heartbeatTimeout())) {
      Duration silent = Duration.between(lost.lastHeartbeat(), now);
      listener.nodeLost(lost.id(), silent);
      pools.nodeGone(
          lost,
          "node " + lost.id() + " stopped answering heartbeats; the invocation was not completed",
          true);
    }
    pools.maintain(now);
  }

  /** Stops maintenance and the scheduler's threads; waiting calls fail with 503. */
  @Override
  public synchronized void close() {
    if (maintenance != null) {
      maintenance.shutdownNow();
    }
    pools.close();
  }

  private void maintainQuietly() {
    try {
      runMaintenance();
    } catch (RuntimeException e) {
      // Keep the schedule alive; the next round tries again.
      System.getLogger(Scheduler.class.getName())
          .log(System.Logger.Level.WARNING, "scheduler maintenance failed", e);
    }
  }
}
