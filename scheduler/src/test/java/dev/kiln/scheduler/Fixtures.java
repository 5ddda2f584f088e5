package dev.kiln.scheduler;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import dev.kiln.common.node.ContainerInfo.ColdStart;
import dev.kiln.common.node.Invocation;
import dev.kiln.scheduler.api.FunctionTarget;
import dev.kiln.scheduler.api.ScalingPolicy;
import dev.kiln.scheduler.api.SchedulerListener;
import dev.kiln.scheduler.api.StopReason;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** Shared values and helpers of the scheduler's tests. */
final class Fixtures {
  static final ImageRef IMAGE = ImageRef.parseLocal("localhost/fn/hello:1");

  private static final AtomicInteger IDS = new AtomicInteger();

  private Fixtures() {}

  static FunctionSpec spec(String name) {
    return new FunctionSpec(name, Runtime.PYTHON, "handler.handle", Limits.DEFAULT, Map.of());
  }

  static FunctionTarget target(String name, ScalingPolicy policy) {
    return new FunctionTarget(spec(name), 1, IMAGE, policy);
  }

  static Invocation call(Clock clock, Duration timeout) {
    return call("call-" + IDS.incrementAndGet(), clock, timeout);
  }

  static Invocation call(String id, Clock clock, Duration timeout) {
    return new Invocation(
        id, "POST", "/", "", Map.of(), new byte[0], clock.instant().plus(timeout));
  }

  /** Polls {@code condition} until it holds; fails after a bound generous enough to mean a hang. */
  static void await(String what, BooleanSupplier condition) {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out waiting until " + what);
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Records events as short strings. */
  static final class Events implements SchedulerListener {
    final List<String> all = new CopyOnWriteArrayList<>();
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger stopped = new AtomicInteger();

    @Override
    public void coldStart(String function, String nodeId, ColdStart kind, Duration took) {
      all.add("cold " + function + " " + nodeId + " " + kind);
    }

    @Override
    public void containerStarted(String function, String nodeId, String containerId) {
      started.incrementAndGet();
      all.add("started " + function + " " + nodeId);
    }

    @Override
    public void containerStopped(
        String function, String nodeId, String containerId, StopReason reason) {
      stopped.incrementAndGet();
      all.add("stopped " + function + " " + nodeId + " " + reason);
    }

    @Override
    public void nodeLost(String nodeId, Duration silentFor) {
      all.add("lost " + nodeId + " " + silentFor.toSeconds() + "s");
    }
  }
}
