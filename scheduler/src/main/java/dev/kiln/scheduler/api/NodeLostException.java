package dev.kiln.scheduler.api;

/**
 * The node running the call stopped answering heartbeats and left the scheduler's tables; the
 * invocation may or may not have run. HTTP 502.
 */
public final class NodeLostException extends NodeFailureException {

  /** Call of {@code function} lost with node {@code nodeId}. */
  public NodeLostException(String function, String nodeId, String message) {
    super(502, function, nodeId, message);
  }
}
