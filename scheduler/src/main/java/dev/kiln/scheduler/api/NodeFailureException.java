package dev.kiln.scheduler.api;

/**
 * A node failed the call: it could not start a container, or answered an invocation with an error
 * of its own. HTTP 502 (the node answered badly) or 503 (it could not serve). Later calls are
 * placed on other nodes where there are any.
 */
public class NodeFailureException extends SchedulerException {
  private final String nodeId;

  /**
   * A failure of node {@code nodeId} (null when no node could be tried) during a call of {@code
   * function}.
   */
  public NodeFailureException(int status, String function, String nodeId, String message) {
    super(status, function, message);
    this.nodeId = nodeId;
  }

  /** The same, caused by {@code cause} (usually the node's own {@code NodeException}). */
  public NodeFailureException(
      int status, String function, String nodeId, String message, Throwable cause) {
    super(status, function, message, cause);
    this.nodeId = nodeId;
  }

  /** The node that failed, or null when none could be tried. */
  public String nodeId() {
    return nodeId;
  }
}
