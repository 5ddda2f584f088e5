package dev.kiln.scheduler.pool;

import dev.kiln.scheduler.api.FunctionTarget;
import dev.kiln.scheduler.node.Node;
import java.util.Set;
import java.util.function.Predicate;

/** One container being started for a pool, off the callers' threads. */
final class StartAttempt {
  final FunctionTarget target;
  final int generation;

  /** The node being tried now; read by the pool when a node is lost. */
  volatile Node node;

  /** Set when the pool stopped counting on it: its container, if any, is stopped. */
  volatile boolean abandoned;

  StartAttempt(FunctionTarget target, int generation) {
    this.target = target;
    this.generation = generation;
  }

  /** Takes the attempts matching {@code which} out of {@code starting} and marks them abandoned. */
  static void abandon(Set<StartAttempt> starting, Predicate<StartAttempt> which) {
    starting.removeIf(
        a -> {
          if (which.test(a)) {
            a.abandoned = true;
            return true;
          }
          return false;
        });
  }
}
