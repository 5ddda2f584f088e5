package dev.kiln.scheduler.api;

import java.time.Instant;
import java.util.List;

/**
 * What the scheduler holds at one moment, for metrics and the API.
 *
 * @param functions one entry per deployed function, by name
 * @param nodes one entry per registered node, by id
 */
public record Snapshot(List<FunctionState> functions, List<NodeState> nodes) {

  public Snapshot {
    functions = List.copyOf(functions);
    nodes = List.copyOf(nodes);
  }

  /** The entry of {@code name}, or null. */
  public FunctionState function(String name) {
    return functions.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
  }

  /** The entry of node {@code nodeId}, or null. */
  public NodeState node(String nodeId) {
    return nodes.stream().filter(n -> n.nodeId().equals(nodeId)).findFirst().orElse(null);
  }

  /**
   * One function's pool.
   *
   * @param name function name
   * @param version the version new containers serve
   * @param starting containers being started
   * @param idle containers with no call in flight
   * @param busy containers with at least one call in flight (older versions draining included)
   * @param inFlight calls running in containers
   * @param queued calls waiting for a container
   */
  public record FunctionState(
      String name, int version, int starting, int idle, int busy, int inFlight, int queued) {

    /** Containers the pool holds, idle and busy. */
    public int containers() {
      return idle + busy;
    }
  }

  /**
   * One node, as the scheduler sees it.
   *
   * @param nodeId the node's id
   * @param containers containers the scheduler placed on it (starting ones included)
   * @param memoryMiB memory capacity
   * @param reservedMemoryMiB memory reserved by containers, as the scheduler or the node counts it
   * @param cpuMillis CPU capacity in millicores
   * @param lastHeartbeat when it last reported
   * @param healthy false during the cool-down after it failed a start or an invocation
   */
  public record NodeState(
      String nodeId,
      int containers,
      long memoryMiB,
      long reservedMemoryMiB,
      int cpuMillis,
      Instant lastHeartbeat,
      boolean healthy) {}
}
