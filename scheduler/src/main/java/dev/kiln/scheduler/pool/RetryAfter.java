package dev.kiln.scheduler.pool;

import dev.kiln.scheduler.api.ScalingPolicy;
import dev.kiln.scheduler.api.TooManyRequestsException;

/**
 * Estimates the {@code Retry-After} of a refused call from how long calls recently took. Not
 * thread-safe: guarded by the pool's lock.
 */
final class RetryAfter {
  static final long MAX_SECONDS = 60;

  /** Moving average of call durations; 0 before the first call finished. */
  private double averageNanos;

  void record(long callNanos) {
    if (callNanos > 0) {
      averageNanos = averageNanos == 0 ? callNanos : 0.8 * averageNanos + 0.2 * callNanos;
    }
  }

  /**
   * Seconds until a call arriving now would reach a slot: the calls ahead of it spread over every
   * slot, each taking as long as calls recently took (1 s before any call finished); 1 to 60.
   */
  long seconds(int waiting, int slots) {
    double callSeconds = averageNanos > 0 ? averageNanos / 1e9 : 1.0;
    double estimate = (waiting + 1) / (double) Math.max(1, slots) * callSeconds;
    return Math.max(1, Math.min(MAX_SECONDS, (long) Math.ceil(estimate)));
  }

  /** The 429 for a call of {@code function} refused with {@code waiting} calls queued. */
  TooManyRequestsException refusal(String function, ScalingPolicy policy, int waiting, int slots) {
    return new TooManyRequestsException(
        function,
        "function '"
            + function
            + "' is at its maximum of "
            + policy.maxScale()
            + " containers and "
            + waiting
            + " calls are waiting; retry later",
        seconds(waiting, slots));
  }
}
