package dev.kiln.node.cell;

import dev.kiln.common.Runtime;
import dev.kiln.common.node.StemCellPool;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The waiting stem cells of one runtime. One background thread keeps {@code target} cells ready,
 * starting them one at a time (so never more than the pool size start at once), and backs off when
 * starting fails. {@link #take()} hands out the oldest ready cell and wakes the thread.
 */
public final class CellPool implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CellPool.class.getName());
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  private final Runtime runtime;
  private final int target;
  private final Supplier<StemCell> starter;
  private final Deque<StemCell> ready = new ArrayDeque<>();
  private final Thread refill;
  private long taken;
  private boolean closed;
  private String lastFailure;

  /**
   * A pool; call {@link #start()} to begin filling it.
   *
   * @param starter starts one cell, blocking until its runner listens
   */
  public CellPool(Runtime runtime, int target, Supplier<StemCell> starter) {
    if (target < 0) {
      throw new IllegalArgumentException("stem cell pool size must be >= 0, got " + target);
    }
    this.runtime = runtime;
    this.target = target;
    this.starter = starter;
    this.refill = new Thread(this::refillLoop, "kiln-cells-" + runtime.id());
    refill.setDaemon(true);
  }

  /** Starts the refill thread. */
  public void start() {
    if (target > 0) {
      refill.start();
    }
  }

  /** The runtime of the pool's cells. */
  public Runtime runtime() {
    return runtime;
  }

  /** The oldest ready cell whose processes are alive, removed from the pool. */
  public Optional<StemCell> take() {
    while (true) {
      StemCell cell;
      synchronized (this) {
        cell = ready.pollFirst();
        if (cell == null) {
          return Optional.empty();
        }
        notifyAll();
      }
      if (cell.container().alive()) {
        synchronized (this) {
          taken++;
        }
        return Optional.of(cell);
      }
      LOG.log(Level.WARNING, "stem cell {0} died while waiting; removing it", cell.id());
      removeQuietly(cell);
    }
  }

  /** Puts back a cell that was taken but not used (it was not specialised). */
  public void giveBack(StemCell cell) {
    synchronized (this) {
      if (!closed) {
        taken--;
        ready.addFirst(cell);
        return;
      }
    }
    removeQuietly(cell);
  }

  /** How many cells are ready, the target, and how many were taken. */
  public synchronized StemCellPool snapshot() {
    return new StemCellPool(runtime, ready.size(), target, taken);
  }

  /** Why the last start failed, if it did; for node diagnostics. */
  public synchronized Optional<String> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /** Waits until the pool is full; false when it is not within {@code timeout}. */
  public boolean awaitFull(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (ready.size() < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  private void refillLoop() {
    int failures = 0;
    while (true) {
      synchronized (this) {
        while (!closed && ready.size() >= target) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
      }
      try {
        StemCell cell = starter.get();
        boolean keep;
        synchronized (this) {
          keep = !closed;
          if (keep) {
            ready.addLast(cell);
            lastFailure = null;
            notifyAll();
          }
        }
        if (!keep) {
          removeQuietly(cell);
          return;
        }
        failures = 0;
      } catch (RuntimeException e) {
        failures++;
        synchronized (this) {
          lastFailure = e.getMessage();
        }
        long backoff = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(failures, 10));
        LOG.log(
            Level.WARNING,
            "cannot start a " + runtime.id() + " stem cell (retrying in " + backoff + " ms)",
            e);
        synchronized (this) {
          if (closed) {
            return;
          }
          try {
            wait(backoff);
          } catch (InterruptedException interrupted) {
            return;
          }
        }
      }
    }
  }

  /** Stops the refill thread and removes every waiting cell. */
  @Override
  public void close() {
    Deque<StemCell> doomed;
    synchronized (this) {
      closed = true;
      notifyAll();
      doomed = new ArrayDeque<>(ready);
      ready.clear();
    }
    if (refill.isAlive()) {
      try {
        refill.join(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    doomed.forEach(CellPool::removeQuietly);
  }

  private static void removeQuietly(StemCell cell) {
    try {
      cell.remove();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot remove stem cell " + cell.id(), e);
    }
  }
}
