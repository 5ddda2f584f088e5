package dev.kiln.scheduler.api;

import java.time.Duration;

/**
 * Settings of the scheduler. The gateway maps {@code kiln.scheduler.*} onto it.
 *
 * @param heartbeatInterval how often nodes send heartbeats (default 2 s)
 * @param heartbeatTimeout silence after which a node is lost (default 3 heartbeat intervals)
 * @param maintenanceInterval how often the background thread looks for lost nodes, idle containers
 *     past their keep-alive and functions below minScale (default 1 s)
 * @param deadlineMargin how long past an invocation's deadline the scheduler waits for a node to
 *     report back before it gives up on the container (default 2 s)
 * @param stemCellViewTtl how long a node's stem-cell counts are trusted before they are asked again
 *     (default 1 s)
 * @param nodeFailureCooldown how long a node that failed a start or an invocation is placed after
 *     the healthy ones (default 10 s)
 * @param startThreads threads that start containers for scale-up (default 4)
 */
public record SchedulerConfig(
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    Duration maintenanceInterval,
    Duration deadlineMargin,
    Duration stemCellViewTtl,
    Duration nodeFailureCooldown,
    int startThreads) {

  /** The defaults listed on the record. */
  public static final SchedulerConfig DEFAULT =
      new SchedulerConfig(
          Duration.ofSeconds(2),
          null,
          Duration.ofSeconds(1),
          Duration.ofSeconds(2),
          Duration.ofSeconds(1),
          Duration.ofSeconds(10),
          4);

  public SchedulerConfig {
    heartbeatInterval = positive("heartbeatInterval", heartbeatInterval, Duration.ofSeconds(2));
    heartbeatTimeout =
        positive("heartbeatTimeout", heartbeatTimeout, heartbeatInterval.multipliedBy(3));
    maintenanceInterval =
        positive("maintenanceInterval", maintenanceInterval, Duration.ofSeconds(1));
    deadlineMargin = positive("deadlineMargin", deadlineMargin, Duration.ofSeconds(2));
    stemCellViewTtl = positive("stemCellViewTtl", stemCellViewTtl, Duration.ofSeconds(1));
    nodeFailureCooldown =
        positive("nodeFailureCooldown", nodeFailureCooldown, Duration.ofSeconds(10));
    if (heartbeatTimeout.compareTo(heartbeatInterval) <= 0) {
      throw new IllegalArgumentException(
          "heartbeatTimeout ("
              + heartbeatTimeout
              + ") must be longer than heartbeatInterval ("
              + heartbeatInterval
              + "), or every node is lost between two heartbeats");
    }
    if (startThreads < 1 || startThreads > 256) {
      throw new IllegalArgumentException(
          "startThreads must be between 1 and 256, got " + startThreads);
    }
  }

  /** These settings with another heartbeat timeout. */
  public SchedulerConfig withHeartbeatTimeout(Duration value) {
    return new SchedulerConfig(
        heartbeatInterval,
        value,
        maintenanceInterval,
        deadlineMargin,
        stemCellViewTtl,
        nodeFailureCooldown,
        startThreads);
  }

  /** These settings with another deadline margin. */
  public SchedulerConfig withDeadlineMargin(Duration value) {
    return new SchedulerConfig(
        heartbeatInterval,
        heartbeatTimeout,
        maintenanceInterval,
        value,
        stemCellViewTtl,
        nodeFailureCooldown,
        startThreads);
  }

  /** These settings with another stem-cell view lifetime. */
  public SchedulerConfig withStemCellViewTtl(Duration value) {
    return new SchedulerConfig(
        heartbeatInterval,
        heartbeatTimeout,
        maintenanceInterval,
        deadlineMargin,
        value,
        nodeFailureCooldown,
        startThreads);
  }

  private static Duration positive(String name, Duration value, Duration fallback) {
    if (value == null) {
      return fallback;
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }
}
