package dev.kiln.scheduler.pool;

import dev.kiln.common.node.ContainerInfo;
import dev.kiln.scheduler.api.FunctionTarget;
import dev.kiln.scheduler.api.NodeFailureException;
import dev.kiln.scheduler.api.NodeLostException;
import dev.kiln.scheduler.api.ScalingPolicy;
import dev.kiln.scheduler.api.SchedulerException;
import dev.kiln.scheduler.api.Snapshot.FunctionState;
import dev.kiln.scheduler.api.StopReason;
import dev.kiln.scheduler.api.TooManyRequestsException;
import dev.kiln.scheduler.node.Node;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The containers, starts and waiting calls of one function, under one lock of its own.
 *
 * <p>A call takes a slot on a container with a free one (at most {@code concurrency} per
 * container), or waits in a FIFO queue. A slot that frees up, or a container that comes up, goes to
 * the head of the queue. While the queue holds more calls than the containers being started can
 * serve, another start is submitted, up to {@code maxScale} containers counting the starting ones.
 * At {@code maxScale} with {@code queueSize} calls waiting, calls are refused with 429.
 */
final class FunctionPool {
  private final String name;
  private final PoolContext ctx;
  private final ReentrantLock lock = new ReentrantLock();
  private final ContainerTable containers;
  private final Set<StartAttempt> starting = new HashSet<>();
  private final ArrayDeque<CompletableFuture<Lease>> queue = new ArrayDeque<>();
  private FunctionTarget target;

  /** Bumped when a deploy changes what containers run; older containers drain and stop. */
  private int generation;

  private boolean closed;
  private final RetryAfter retryAfter = new RetryAfter();

  FunctionPool(FunctionTarget target, PoolContext ctx) {
    this.name = target.name();
    this.target = target;
    this.ctx = ctx;
    this.containers = new ContainerTable(name, ctx.listener(), ctx.calls());
    lock.lock();
    try {
      keepWarm();
    } finally {
      lock.unlock();
    }
  }

  /** Serves {@code next} from now on; containers of an older version drain and stop. */
  void update(FunctionTarget next) {
    lock.lock();
    try {
      if (!target.sameContainersAs(next)) {
        generation++;
        StartAttempt.abandon(starting, a -> true);
        for (PooledContainer c : containers.all()) {
          if (c.leases.isEmpty()) {
            containers.retire(c, StopReason.REPLACED, true);
          }
        }
      }
      target = next;
      keepWarm();
      scaleUp();
      serveQueue();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops serving: waiting calls fail with {@code reason}, idle containers stop, busy ones after.
   */
  void close(SchedulerException reason, boolean stopContainers) {
    lock.lock();
    try {
      closed = true;
      StartAttempt.abandon(starting, a -> true);
      while (!queue.isEmpty()) {
        queue.pollFirst().completeExceptionally(reason);
      }
      ctx.listener().queueDepth(name, 0);
      for (PooledContainer c : containers.all()) {
        if (c.leases.isEmpty()) {
          containers.retire(c, StopReason.UNDEPLOYED, stopContainers);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * A slot on a container: already granted when one is free, else granted when the call reaches the
   * head of the queue and a slot frees up. The caller waits at most until its deadline, then calls
   * {@link #leave}.
   *
   * @throws TooManyRequestsException at maxScale with a full queue
   */
  CompletableFuture<Lease> acquire() {
    lock.lock();
    try {
      if (closed) {
        throw Pools.notDeployed(name);
      }
      if (queue.isEmpty()) {
        PooledContainer free = available();
        if (free != null) {
          return CompletableFuture.completedFuture(containers.lease(free, ctx.clock().instant()));
        }
      }
      ScalingPolicy policy = target.policy();
      if (queue.size() >= policy.queueSize() && current() + starting.size() >= policy.maxScale()) {
        throw retryAfter.refusal(name, policy, queue.size(), current() * policy.concurrency());
      }
      CompletableFuture<Lease> waiter = new CompletableFuture<>();
      queue.addLast(waiter);
      ctx.listener().queueDepth(name, queue.size());
      scaleUp();
      return waiter;
    } finally {
      lock.unlock();
    }
  }

  /** Leaves the queue at the deadline; a lease granted in the meantime is handed back unused. */
  void leave(CompletableFuture<Lease> waiter) {
    lock.lock();
    try {
      if (queue.remove(waiter)) {
        ctx.listener().queueDepth(name, queue.size());
        return;
      }
    } finally {
      lock.unlock();
    }
    // Served or failed just before the deadline: completed under the lock, so done by now.
    if (!waiter.isCompletedExceptionally()) {
      finish(waiter.join(), Verdict.KEEP, 0);
    }
  }

  /**
   * Ends a call's lease: the slot is freed, or the container dropped; the queue is served. Does
   * nothing when the container already left the pool.
   */
  void finish(Lease lease, Verdict verdict, long callNanos) {
    lock.lock();
    try {
      PooledContainer c = lease.container();
      if (c.gone || !c.leases.remove(lease)) {
        return;
      }
      c.lastUsed = ctx.clock().instant();
      if (verdict == Verdict.KEEP) {
        retryAfter.record(callNanos);
      }
      if (verdict != Verdict.KEEP) {
        containers.retire(c, verdict.stopReason(), true);
      } else if ((closed || c.generation != generation) && c.leases.isEmpty()) {
        containers.retire(c, closed ? StopReason.UNDEPLOYED : StopReason.REPLACED, true);
      }
      serveQueue();
      if (verdict != Verdict.KEEP) {
        keepWarm();
        scaleUp();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * A call outlived its deadline and margin without word from the node: the container is dropped.
   * False when the call's result arrived meanwhile.
   */
  boolean overdue(Lease lease) {
    lock.lock();
    try {
      if (lease.result().isDone()) {
        return false;
      }
      PooledContainer c = lease.container();
      if (!c.gone) {
        containers.retire(c, StopReason.NODE_ERROR, true);
        serveQueue();
        keepWarm();
        scaleUp();
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Forgets everything on {@code node}. With {@code failInFlight}, calls running there end with a
   * {@link NodeLostException} at once; otherwise they finish on their own. Waiting calls are placed
   * on other nodes.
   */
  void nodeGone(Node node, String message, boolean failInFlight) {
    lock.lock();
    try {
      for (PooledContainer c : containers.all()) {
        if (c.node != node) {
          continue;
        }
        containers.retire(c, StopReason.NODE_LOST, false);
        if (failInFlight) {
          for (Lease lease : c.leases) {
            lease.result().completeExceptionally(new NodeLostException(name, node.id(), message));
          }
          c.leases.clear();
        }
      }
      StartAttempt.abandon(starting, a -> a.node == node);
      if (!closed) {
        keepWarm();
        scaleUp();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops containers idle past the keep-alive (never below minScale); tops up to minScale. */
  void maintain(Instant now) {
    lock.lock();
    try {
      ScalingPolicy policy = target.policy();
      int removable = current() - policy.minScale();
      for (PooledContainer c : containers.idlePast(policy.keepAlive(), now)) {
        if (removable <= 0) {
          break;
        }
        containers.retire(c, StopReason.KEEP_ALIVE, true);
        removable--;
      }
      if (!closed) {
        keepWarm();
        scaleUp();
        serveQueue();
      }
    } finally {
      lock.unlock();
    }
  }

  FunctionState state() {
    lock.lock();
    try {
      int[] counts = containers.counts();
      return new FunctionState(
          name, target.version(), starting.size(), counts[0], counts[1], counts[2], queue.size());
    } finally {
      lock.unlock();
    }
  }

  String name() {
    return name;
  }

  // ---- starts, called from the start executor

  private void runStart(StartAttempt attempt) {
    ContainerStarter.Started started;
    try {
      started = ctx.starter().start(attempt);
    } catch (SchedulerException e) {
      startFailed(attempt, e);
      return;
    } catch (RuntimeException e) {
      // Whatever went wrong, the attempt must stop counting as starting, or calls wait for it.
      startFailed(
          attempt,
          new NodeFailureException(
              503, name, null, "could not start a container of function '" + name + "': " + e, e));
      return;
    }
    if (started == null) {
      startFailed(attempt, null);
    } else {
      started(attempt, started);
    }
  }

  private void started(StartAttempt attempt, ContainerStarter.Started started) {
    Node node = started.node();
    ContainerInfo info = started.info();
    int memory = attempt.target.spec().limits().memoryMiB();
    lock.lock();
    try {
      if (starting.remove(attempt) && !closed && !node.isLost()) {
        PooledContainer c =
            new PooledContainer(
                info.id(),
                node,
                attempt.generation,
                memory,
                info.coldStart(),
                ctx.clock().instant());
        containers.add(c);
        ctx.listener().containerStarted(name, node.id(), info.id());
        ctx.listener().coldStart(name, node.id(), info.coldStart(), started.took());
        serveQueue();
        return;
      }
    } finally {
      lock.unlock();
    }
    // Nobody counts on it any more: undeployed, replaced, or its node was lost meanwhile.
    node.release(memory);
    containers.stopLater(node, info.id());
  }

  private void startFailed(StartAttempt attempt, SchedulerException error) {
    lock.lock();
    try {
      if (!starting.remove(attempt) || error == null || current() > 0) {
        // Abandoned, or running containers will serve the queue (or calls meet their deadline).
        return;
      }
      // Calls no container will serve: the ones beyond what the remaining starts can take.
      int covered = starting.size() * target.policy().concurrency();
      while (queue.size() > covered) {
        queue.pollLast().completeExceptionally(error);
      }
      ctx.listener().queueDepth(name, queue.size());
    } finally {
      lock.unlock();
    }
  }

  // ---- helpers, all called with the lock held

  private void scaleUp() {
    ScalingPolicy policy = target.policy();
    while (!closed
        && queue.size() > starting.size() * policy.concurrency()
        && current() + starting.size() < policy.maxScale()) {
      if (!startOne()) {
        return;
      }
    }
  }

  private void keepWarm() {
    while (!closed && current() + starting.size() < target.policy().minScale()) {
      if (!startOne()) {
        return;
      }
    }
  }

  private boolean startOne() {
    StartAttempt attempt = new StartAttempt(target, generation);
    starting.add(attempt);
    try {
      ctx.starts().execute(() -> runStart(attempt));
      return true;
    } catch (RejectedExecutionException shuttingDown) {
      starting.remove(attempt);
      return false;
    }
  }

  private void serveQueue() {
    boolean served = false;
    while (!queue.isEmpty()) {
      PooledContainer c = available();
      if (c == null) {
        break;
      }
      queue.pollFirst().complete(containers.lease(c, ctx.clock().instant()));
      served = true;
    }
    if (served) {
      ctx.listener().queueDepth(name, queue.size());
    }
  }

  private PooledContainer available() {
    return containers.available(generation, target.policy().concurrency(), ctx.clock().instant());
  }

  private int current() {
    return containers.count(generation);
  }
}
