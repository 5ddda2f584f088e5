package dev.kiln.scheduler.pool;

import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.common.node.NodeException;
import dev.kiln.scheduler.api.NodeFailureException;
import dev.kiln.scheduler.api.Served;
import dev.kiln.scheduler.node.Node;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one call on the caller's thread: waits for a slot (at most until the deadline), sends the
 * invocation to the container's node on the call executor, and waits for the answer at most until
 * the deadline plus the margin. Calls the node rejected (it did not run them) are tried again.
 */
final class CallRunner {
  /** A call the node did not run is placed again at most this often in all. */
  static final int MAX_ATTEMPTS = 3;

  private final PoolContext ctx;

  CallRunner(PoolContext ctx) {
    this.ctx = ctx;
  }

  Served run(FunctionPool pool, Invocation invocation) {
    Instant arrived = ctx.clock().instant();
    Served served = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Lease lease = waitForSlot(pool, invocation);
      if (lease == null) {
        return new Served(
            new InvocationResult.Timeout(
                nonNegative(Duration.between(arrived, invocation.deadline())),
                "invocation "
                    + invocation.id()
                    + " of function '"
                    + pool.name()
                    + "' waited in the queue past its deadline"),
            null,
            null,
            null);
      }
      PooledContainer container = lease.container();
      served =
          new Served(
              call(pool, lease, invocation), container.node.id(), container.id, lease.coldStart());
      // A call the node did not run goes again, but never past its deadline.
      if (!(served.result() instanceof InvocationResult.Rejected)
          || !ctx.clock().instant().isBefore(invocation.deadline())) {
        return served;
      }
    }
    return served;
  }

  private Lease waitForSlot(FunctionPool pool, Invocation invocation) {
    CompletableFuture<Lease> ticket = pool.acquire();
    long nanos = Duration.between(ctx.clock().instant(), invocation.deadline()).toNanos();
    try {
      return ticket.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pool.leave(ticket);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.leave(ticket);
      throw new CancellationException("invocation " + invocation.id() + " was interrupted");
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  private InvocationResult call(FunctionPool pool, Lease lease, Invocation invocation) {
    PooledContainer container = lease.container();
    try {
      ctx.calls().execute(() -> invokeOnNode(pool, lease, invocation));
    } catch (RejectedExecutionException shuttingDown) {
      pool.finish(lease, Verdict.KEEP, 0);
      throw new NodeFailureException(
          503, pool.name(), container.node.id(), "the Kiln scheduler is shutting down");
    }
    // Wait for the node at least the margin, even for a call that arrived past its deadline.
    long nanos =
        Math.max(0, Duration.between(ctx.clock().instant(), invocation.deadline()).toNanos())
            + ctx.config().deadlineMargin().toNanos();
    try {
      return lease.result().get(nanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      if (!pool.overdue(lease)) {
        return resultOf(lease.result());
      }
      failed(container.node);
      return new InvocationResult.Timeout(
          ctx.config().deadlineMargin(),
          "node "
              + container.node.id()
              + " did not answer invocation "
              + invocation.id()
              + " of function '"
              + pool.name()
              + "' by its deadline; the scheduler stopped waiting and dropped container "
              + container.id);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("invocation " + invocation.id() + " was interrupted");
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  /** On a call thread: the node call itself, then the pool's accounting, then the answer. */
  private void invokeOnNode(FunctionPool pool, Lease lease, Invocation invocation) {
    PooledContainer container = lease.container();
    long begin = System.nanoTime();
    InvocationResult result;
    try {
      result = container.node.api().invoke(container.id, invocation);
      if (result == null) {
        throw new NodeException(502, "the node answered without a result");
      }
    } catch (NodeException e) {
      nodeFailed(pool, lease, invocation, e.status(), e.getMessage(), e);
      return;
    } catch (RuntimeException e) {
      nodeFailed(pool, lease, invocation, 502, e.toString(), e);
      return;
    }
    pool.finish(lease, Verdict.of(result), System.nanoTime() - begin);
    lease.result().complete(result);
  }

  private void nodeFailed(
      FunctionPool pool,
      Lease lease,
      Invocation invocation,
      int status,
      String message,
      Throwable cause) {
    PooledContainer container = lease.container();
    pool.finish(lease, Verdict.DROP_NODE_ERROR, 0);
    if (status == 404) {
      // The node no longer knows the container: the call did not run and may go elsewhere.
      lease
          .result()
          .complete(
              new InvocationResult.Rejected(
                  "node " + container.node.id() + " no longer has " + container + ": " + message));
      return;
    }
    failed(container.node);
    lease
        .result()
        .completeExceptionally(
            new NodeFailureException(
                status == 503 ? 503 : 502,
                pool.name(),
                container.node.id(),
                "node "
                    + container.node.id()
                    + " failed invocation "
                    + invocation.id()
                    + " of function '"
                    + pool.name()
                    + "': "
                    + message,
                cause));
  }

  private void failed(Node node) {
    node.markFailed(ctx.clock().instant().plus(ctx.config().nodeFailureCooldown()));
  }

  private static InvocationResult resultOf(CompletableFuture<InvocationResult> done) {
    try {
      return done.get();
    } catch (ExecutionException e) {
      throw unwrap(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    }
  }

  private static RuntimeException unwrap(ExecutionException e) {
    return e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
