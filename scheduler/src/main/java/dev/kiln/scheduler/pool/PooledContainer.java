package dev.kiln.scheduler.pool;

import dev.kiln.common.node.ContainerInfo;
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

  /** How it started; its first call is a cold call of that kind, the others are warm. */
  final ContainerInfo.ColdStart coldStart;

  /** True once a call was leased on it. */
  boolean served;

  /** True once the pool let go of it: late results of calls on it change no counts. */
  boolean gone;

  PooledContainer(
      String id,
      Node node,
      int generation,
      int memoryMiB,
      ContainerInfo.ColdStart coldStart,
      Instant now) {
    this.id = id;
    this.coldStart = coldStart;
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
