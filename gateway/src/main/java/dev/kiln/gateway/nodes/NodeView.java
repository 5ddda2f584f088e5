package dev.kiln.gateway.nodes;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.scheduler.api.Snapshot;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * A node as {@code GET /v1/nodes} shows it.
 *
 * @param nodeId its id
 * @param url its agent's URL; absent for the node inside this process ({@code kiln up})
 * @param cpuMillis CPU capacity, in millicores
 * @param memoryMiB memory capacity
 * @param reservedMemoryMiB memory reserved by its containers
 * @param containers containers the scheduler placed there, starting ones included
 * @param lastHeartbeat when it last reported
 * @param silentMillis how long ago that was
 * @param lost whether it has been silent for longer than the heartbeat timeout; the scheduler
 *     forgets such a node within a second
 * @param healthy false during the cool-down after it failed a start or an invocation
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeView(
    String nodeId,
    String url,
    int cpuMillis,
    long memoryMiB,
    long reservedMemoryMiB,
    int containers,
    Instant lastHeartbeat,
    long silentMillis,
    boolean lost,
    boolean healthy) {

  static NodeView of(Snapshot.NodeState n, URI url, Instant now, Duration heartbeatTimeout) {
    Duration silent =
        n.lastHeartbeat() == null ? Duration.ZERO : Duration.between(n.lastHeartbeat(), now);
    return new NodeView(
        n.nodeId(),
        url == null ? null : url.toString(),
        n.cpuMillis(),
        n.memoryMiB(),
        n.reservedMemoryMiB(),
        n.containers(),
        n.lastHeartbeat(),
        Math.max(0, silent.toMillis()),
        silent.compareTo(heartbeatTimeout) > 0,
        n.healthy());
  }
}
