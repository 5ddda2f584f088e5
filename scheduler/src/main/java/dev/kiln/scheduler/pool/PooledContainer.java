package dev.kiln.scheduler.pool;

import dev.kiln.scheduler.node.Node;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/** A container in a function's pool. Guarded by the pool's lock. */
final class PooledContainer {
  final String id;
  final Node node;
  final int generation;
  final int memoryMiB;

  /** Calls in flight on it; their number never exceeds the policy's concurrency. */
  final Set<Lease> leases = new HashSet<>();

  Instant lastUsed;

  /** True once the pool let go of it: late results of calls on it change no counts. */
  boolean gone;

  PooledContainer(String id, Node node, int generation, int memoryMiB, Instant now) {
    this.id = id;
    this.node = node;
    this.generation = generation;
    this.memoryMiB = memoryMiB;
    this.lastUsed = now;
  }

  @Override
  public String toString() {
    return "container " + id + " on node " + node.id();
  }
}
