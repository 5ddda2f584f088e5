package dev.kiln.scheduler.pool;

import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.InvocationResult;
import java.util.concurrent.CompletableFuture;

/**
 * One call's hold on one slot of a container. {@code result} completes when the node answered,
 * failed, or was lost. {@code coldStart} is the container's start kind when this is its first call,
 * null for a warm call.
 */
record Lease(
    PooledContainer container,
    CompletableFuture<InvocationResult> result,
    ContainerInfo.ColdStart coldStart) {

  static Lease on(PooledContainer container, ContainerInfo.ColdStart coldStart) {
    return new Lease(container, new CompletableFuture<>(), coldStart);
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
