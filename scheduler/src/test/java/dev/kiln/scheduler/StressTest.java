package dev.kiln.scheduler;

import static dev.kiln.scheduler.Fixtures.await;
import static dev.kiln.scheduler.Fixtures.call;
import static dev.kiln.scheduler.Fixtures.target;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.node.InvocationResult;
import dev.kiln.common.node.NodeException;
import dev.kiln.scheduler.api.NodeFailureException;
import dev.kiln.scheduler.api.ScalingPolicy;
import dev.kiln.scheduler.api.Snapshot;
import dev.kiln.scheduler.api.TooManyRequestsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many threads against two nodes: every count must come back to zero, no call may hang. */
class StressTest extends SchedulerTestBase {
  private static final int THREADS = 16;
  private static final int CALLS = 500;

  @Test
  void sixteenThreadsOfFiveHundredCallsLeaveNothingBehind() throws Exception {
    List<FakeNode> nodes = List.of(register(new FakeNode("a")), register(new FakeNode("b")));
    for (FakeNode node : nodes) {
      node.maxLatencyNanos = Duration.ofMillis(1).toNanos();
      // One call in a hundred kills its container, one in two hundred fails on the node.
      node.handler =
          (id, inv) -> {
            int dice = ThreadLocalRandom.current().nextInt(200);
            if (dice == 0) {
              throw new NodeException(502, "runner socket reset");
            }
            if (dice < 3) {
              return new InvocationResult.OutOfMemory(128, "out of memory");
            }
            return FakeNode.ok(id, inv);
          };
    }
    scheduler.deploy(
        target("hot", ScalingPolicy.DEFAULT.withConcurrency(2).withMaxScale(6).withQueueSize(8)));
    scheduler.deploy(target("cold", ScalingPolicy.DEFAULT.withMaxScale(2).withQueueSize(2)));

    AtomicInteger ok = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      String function = t % 4 == 0 ? "cold" : "hot";
      workers.add(
          callers.submit(
              () -> {
                for (int i = 0; i < CALLS; i++) {
                  try {
                    InvocationResult r =
                        scheduler.invoke(function, call(clock, Duration.ofSeconds(30)));
                    (r instanceof InvocationResult.Ok ? ok : other).incrementAndGet();
                  } catch (TooManyRequestsException e) {
                    refused.incrementAndGet();
                  } catch (NodeFailureException e) {
                    failed.incrementAndGet();
                  }
                }
              }));
    }
    for (Future<?> w : workers) {
      w.get(120, java.util.concurrent.TimeUnit.SECONDS);
    }

    assertThat(ok.get() + refused.get() + failed.get() + other.get()).isEqualTo(THREADS * CALLS);
    assertThat(ok.get()).isGreaterThan(THREADS * CALLS / 2);
    for (String function : List.of("hot", "cold")) {
      Snapshot.FunctionState state = scheduler.snapshot().function(function);
      ScalingTest.assertIdle(state);
      assertThat(state.containers()).isLessThanOrEqualTo(function.equals("hot") ? 6 : 2);
    }
    for (FakeNode node : nodes) {
      assertThat(node.inFlight).hasValue(0);
      assertThat(node.maxInFlightPerContainer).hasValueLessThanOrEqualTo(2);
    }
    int held =
        scheduler.snapshot().function("hot").containers()
            + scheduler.snapshot().function("cold").containers();
    assertThat(scheduler.snapshot().nodes().stream().mapToInt(Snapshot.NodeState::containers).sum())
        .as("room reserved on nodes matches the pools")
        .isEqualTo(held);
    await(
        "dropped containers stopped", () -> nodes.stream().mapToInt(FakeNode::live).sum() == held);
  }
}
