package dev.kiln.scheduler.api;

import java.time.Duration;

/**
 * How a function's containers scale.
 *
 * @param concurrency invocations one container serves at the same time (default 1)
 * @param minScale containers kept warm even when idle (default 0: scale to zero)
 * @param maxScale most containers of the function at once, starting ones included (default 10)
 * @param keepAlive how long an idle container is kept before it is stopped (default 10 min)
 * @param queueSize calls that may wait for a container once the function runs at {@code maxScale}
 *     (default 100); beyond it calls are refused with 429
 */
public record ScalingPolicy(
    int concurrency, int minScale, int maxScale, Duration keepAlive, int queueSize) {

  /** Concurrency 1, minScale 0, maxScale 10, keep-alive 10 min, queue 100. */
  public static final ScalingPolicy DEFAULT =
      new ScalingPolicy(1, 0, 10, Duration.ofMinutes(10), 100);

  public ScalingPolicy {
    if (concurrency < 1 || concurrency > 1000) {
      throw new IllegalArgumentException(
          "concurrency must be between 1 and 1000, got " + concurrency);
    }
    if (maxScale < 1 || maxScale > 10_000) {
      throw new IllegalArgumentException("maxScale must be between 1 and 10000, got " + maxScale);
    }
    if (minScale < 0 || minScale > maxScale) {
      throw new IllegalArgumentException(
          "minScale must be between 0 and maxScale (" + maxScale + "), got " + minScale);
    }
    if (keepAlive == null) {
      keepAlive = DEFAULT.keepAlive;
    }
    if (keepAlive.isNegative() || keepAlive.isZero()) {
      throw new IllegalArgumentException("keepAlive must be positive, got " + keepAlive);
    }
    if (queueSize < 0 || queueSize > 100_000) {
      throw new IllegalArgumentException(
          "queueSize must be between 0 and 100000, got " + queueSize);
    }
  }

  /** This policy with another per-container concurrency. */
  public ScalingPolicy withConcurrency(int value) {
    return new ScalingPolicy(value, minScale, maxScale, keepAlive, queueSize);
  }

  /** This policy with another number of containers kept warm. */
  public ScalingPolicy withMinScale(int value) {
    return new ScalingPolicy(concurrency, value, maxScale, keepAlive, queueSize);
  }

  /** This policy with another container ceiling. */
  public ScalingPolicy withMaxScale(int value) {
    return new ScalingPolicy(concurrency, minScale, value, keepAlive, queueSize);
  }

  /** This policy with another keep-alive. */
  public ScalingPolicy withKeepAlive(Duration value) {
    return new ScalingPolicy(concurrency, minScale, maxScale, value, queueSize);
  }

  /** This policy with another queue bound. */
  public ScalingPolicy withQueueSize(int value) {
    return new ScalingPolicy(concurrency, minScale, maxScale, keepAlive, value);
  }
}
