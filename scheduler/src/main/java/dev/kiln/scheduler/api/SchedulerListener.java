package dev.kiln.scheduler.api;

import dev.kiln.common.node.ContainerInfo.ColdStart;
import java.time.Duration;

/**
 * Events for metrics and logs. Methods are called on scheduler and request threads, sometimes while
 * a function's pool is locked: they must return quickly and must not call back into the scheduler.
 * Exceptions they throw are ignored. Every method does nothing by default.
 */
public interface SchedulerListener {

  /** A listener that ignores every event. */
  SchedulerListener NONE = new SchedulerListener() {};

  /**
   * A container was started for a function.
   *
   * @param function the function's name
   * @param nodeId the node it runs on
   * @param kind a fresh container or a specialised stem cell
   * @param took from the start request to a container accepting invocations
   */
  default void coldStart(String function, String nodeId, ColdStart kind, Duration took) {}

  /** The number of calls waiting for a container of {@code function} changed to {@code depth}. */
  default void queueDepth(String function, int depth) {}

  /** A container of {@code function} joined the pool on node {@code nodeId}. */
  default void containerStarted(String function, String nodeId, String containerId) {}

  /** The scheduler let go of a container of {@code function}, for {@code reason}. */
  default void containerStopped(
      String function, String nodeId, String containerId, StopReason reason) {}

  /** Node {@code nodeId} missed its heartbeats for {@code silentFor} and left the tables. */
  default void nodeLost(String nodeId, Duration silentFor) {}
}
