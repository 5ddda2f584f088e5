package dev.kiln.scheduler.pool;

import dev.kiln.common.node.InvocationResult;
import java.util.concurrent.CompletableFuture;

/**
 * One call's hold on one slot of a container. {@code result} completes when the node answered,
 * failed, or was lost.
 */
record Lease(PooledContainer container, CompletableFuture<InvocationResult> result) {

  static Lease on(PooledContainer container) {
    return new Lease(container, new CompletableFuture<>());
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
