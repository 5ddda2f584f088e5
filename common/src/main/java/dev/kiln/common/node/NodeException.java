package dev.kiln.common.node;

/**
 * The node could not do what was asked (not the function's fault): an image that cannot be pulled,
 * a container that does not start, a node that is gone. {@code status} is the HTTP status the node
 * agent answers with (404 unknown container, 502/503 node trouble).
 */
public class NodeException extends RuntimeException {
  private final int status;

  /** A node failure with the HTTP status that stands for it. */
  public NodeException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** A node failure caused by {@code cause}. */
  public NodeException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status for this failure. */
  public int status() {
    return status;
  }
}
