package dev.kiln.scheduler.api;

/** No registered node can take another container of the function. HTTP 503. */
public final class NoCapacityException extends NodeFailureException {

  /** No room for a container of {@code function}. */
  public NoCapacityException(String function, String message) {
    super(503, function, null, message);
  }
}
