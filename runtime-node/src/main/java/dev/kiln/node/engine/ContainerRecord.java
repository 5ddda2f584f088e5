package dev.kiln.node.engine;

import dev.kiln.common.Digest;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.http.UnixHttpClient;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.node.launch.Container;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

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
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * Idle connections to the runner. The scheduler decides how many calls a container serves at once
   * (its function's concurrency); each call in flight has a connection of its own, taken from here
   * or opened, and returned after. The container's own client is the first.
   */
  private final ConcurrentLinkedQueue<UnixHttpClient> idleClients = new ConcurrentLinkedQueue<>();

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
    idleClients.add(container.client());
  }

  String id() {
    return container.id();
  }

  /** Counts one more invocation in flight; false when the container has stopped. */
  boolean acquire() {
    if (stopped) {
      return false;
    }
    inFlight.incrementAndGet();
    return true;
  }

  void release() {
    inFlight.decrementAndGet();
  }

  /** A connection to the runner for one call: an idle one, or a new one. */
  UnixHttpClient borrowClient() {
    UnixHttpClient client = idleClients.poll();
    return client != null ? client : UnixHttpClient.of(container.client().socket());
  }

  /** Hands a connection back after a call; once the container stopped, closes it instead. */
  void returnClient(UnixHttpClient client) {
    if (stopped) {
      closeExtra(client);
    } else {
      idleClients.offer(client);
    }
  }

  void markStopped() {
    stopped = true;
    for (UnixHttpClient c; (c = idleClients.poll()) != null; ) {
      closeExtra(c);
    }
  }

  /** The container closes its own client when it stops; the extra ones are closed here. */
  private void closeExtra(UnixHttpClient client) {
    if (client != container.client()) {
      client.close();
    }
  }

  boolean stopped() {
    return stopped;
  }

  ContainerInfo info() {
    ContainerInfo.State state =
        stopped
            ? ContainerInfo.State.STOPPED
            : inFlight.get() > 0 ? ContainerInfo.State.BUSY : ContainerInfo.State.IDLE;
    return new ContainerInfo(
        id(), spec.name(), version, image, coldStart, state, startedAt, startup);
  }
}
