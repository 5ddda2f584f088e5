package dev.kiln.scheduler.node;

import dev.kiln.common.node.NodeApi;
import dev.kiln.common.node.NodeInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registered nodes and their heartbeats. Thread-safe without a global lock. Internal to the
 * scheduler module.
 */
public final class NodeRegistry {
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();

  /** Registers a node, or registers it again; returns the entry it replaces (now lost), or null. */
  public Node register(String nodeId, NodeApi api, NodeInfo info, Instant now) {
    if (nodeId == null || nodeId.isBlank()) {
      throw new IllegalArgumentException("a node needs an id");
    }
    if (api == null) {
      throw new IllegalArgumentException("node '" + nodeId + "' needs a NodeApi");
    }
    Node previous = nodes.put(nodeId, new Node(nodeId, api, info, now));
    if (previous != null) {
      previous.markLost();
    }
    return previous;
  }

  /** Records a heartbeat; false when the node is not registered (it should register again). */
  public boolean heartbeat(String nodeId, NodeInfo info, Instant now) {
    Node node = nodes.get(nodeId);
    if (node == null) {
      return false;
    }
    node.heartbeat(info, now);
    return true;
  }

  /** Takes a node out of the tables; returns it, or null when it was not registered. */
  public Node remove(String nodeId) {
    Node node = nodes.remove(nodeId);
    if (node != null) {
      node.markLost();
    }
    return node;
  }

  /** Takes out every node silent for longer than {@code timeout}, and returns them. */
  public List<Node> expire(Instant now, Duration timeout) {
    List<Node> lost = new ArrayList<>();
    for (Node node : nodes.values()) {
      if (node.lastHeartbeat().plus(timeout).isBefore(now) && nodes.remove(node.id(), node)) {
        node.markLost();
        lost.add(node);
      }
    }
    return lost;
  }

  /** The registered nodes. */
  public Collection<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  /** The node {@code nodeId}, or null. */
  public Node get(String nodeId) {
    return nodes.get(nodeId);
  }
}
