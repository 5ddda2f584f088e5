package dev.kiln.scheduler;

import dev.kiln.common.node.ContainerInfo.ColdStart;
import dev.kiln.scheduler.api.SchedulerListener;
import dev.kiln.scheduler.api.StopReason;
import java.time.Duration;

/** Passes events on, and keeps a failing listener from breaking the scheduler's bookkeeping. */
final class SafeListener implements SchedulerListener {
  private final SchedulerListener delegate;

  SafeListener(SchedulerListener delegate) {
    this.delegate = delegate;
  }

  @Override
  public void coldStart(String function, String nodeId, ColdStart kind, Duration took) {
    run(() -> delegate.coldStart(function, nodeId, kind, took));
  }

  @Override
  public void queueDepth(String function, int depth) {
    run(() -> delegate.queueDepth(function, depth));
  }

  @Override
  public void containerStarted(String function, String nodeId, String containerId) {
    run(() -> delegate.containerStarted(function, nodeId, containerId));
  }

  @Override
  public void containerStopped(
      String function, String nodeId, String containerId, StopReason reason) {
    run(() -> delegate.containerStopped(function, nodeId, containerId, reason));
  }

  @Override
  public void nodeLost(String nodeId, Duration silentFor) {
    run(() -> delegate.nodeLost(nodeId, silentFor));
  }

  private static void run(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException ignored) {
      // Documented on SchedulerListener: a listener's failure is not the scheduler's.
    }
  }
}
