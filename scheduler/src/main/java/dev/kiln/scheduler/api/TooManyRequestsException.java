package dev.kiln.scheduler.api;

/**
 * The function runs at its {@code maxScale} and its queue is full: the call was refused, HTTP 429
 * with a {@code Retry-After} header (RFC 9110 section 10.2.3).
 */
public final class TooManyRequestsException extends SchedulerException {
  private final long retryAfterSeconds;

  /** A refusal of a call of {@code function}; the caller may retry after the given seconds. */
  public TooManyRequestsException(String function, String message, long retryAfterSeconds) {
    super(429, function, message);
    if (retryAfterSeconds < 1) {
      throw new IllegalArgumentException("Retry-After must be at least 1 s");
    }
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Seconds after which a retry may succeed: the value of the {@code Retry-After} header. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
