package dev.kiln.node.engine;

import dev.kiln.common.Digest;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.node.launch.Container;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the engine knows about one container of a function: the running container, the function it
 * serves, how and how fast it started, and whether an invocation holds it (one at a time).
 */
final class ContainerRecord {
  final Container container;
  final FunctionSpec spec;
  final int version;
  final Digest image;
  final ContainerInfo.ColdStart coldStart;
  final Instant startedAt;
  final Duration startup;
  final String deadlineMessage;
  final String memoryMessage;
  private final AtomicBoolean busy = new AtomicBoolean();
  private volatile boolean stopped;

  ContainerRecord(
      Container container,
      FunctionSpec spec,
      int version,
      Digest image,
      ContainerInfo.ColdStart coldStart,
      Instant startedAt,
      Duration startup) {
    this.container = container;
    this.spec = spec;
    this.version = version;
    this.image = image;
    this.coldStart = coldStart;
    this.startedAt = startedAt;
    this.startup = startup;
    // Built once: the failure paths of an invocation need no formatting work of their own.
    this.deadlineMessage = Results.deadlineMessage(spec.name(), spec.limits().timeout());
    this.memoryMessage = Results.memoryMessage(spec.name(), spec.limits().memoryMiB());
  }

  String id() {
    return container.id();
  }

  /** Claims the container for one invocation; false when another holds it or it stopped. */
  boolean acquire() {
    return !stopped && busy.compareAndSet(false, true);
  }

  void release() {
    busy.set(false);
  }

  void markStopped() {
    stopped = true;
  }

  boolean stopped() {
    return stopped;
  }

  ContainerInfo info() {
    ContainerInfo.State state =
        stopped
            ? ContainerInfo.State.STOPPED
            : busy.get() ? ContainerInfo.State.BUSY : ContainerInfo.State.IDLE;
    return new ContainerInfo(
        id(), spec.name(), version, image, coldStart, state, startedAt, startup);
  }
}
