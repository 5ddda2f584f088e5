package dev.kiln.scheduler.api;

/**
 * The scheduler could not run an invocation. {@link #status()} is the HTTP status the gateway
 * answers with; the message says what happened, for the caller to read.
 */
public abstract class SchedulerException extends RuntimeException {
  private final int status;
  private final String function;

  /** A failure of a call of {@code function}, answered with {@code status}. */
  protected SchedulerException(int status, String function, String message) {
    super(message);
    this.status = status;
    this.function = function;
  }

  /** A failure caused by {@code cause}. */
  protected SchedulerException(int status, String function, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.function = function;
  }

  /** The HTTP status that stands for this failure. */
  public int status() {
    return status;
  }

  /** The function that was called. */
  public String function() {
    return function;
  }
}
