package dev.kiln.scheduler;

import static dev.kiln.scheduler.Fixtures.await;
import static dev.kiln.scheduler.Fixtures.call;
import static dev.kiln.scheduler.Fixtures.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.node.InvocationResult;
import dev.kiln.scheduler.api.ScalingPolicy;
import dev.kiln.scheduler.api.Snapshot;
import dev.kiln.scheduler.api.TooManyRequestsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

class ScalingTest extends SchedulerTestBase {

  @Test
  void twentyCallsNeverRunOnMoreThanMaxScaleContainers() throws Exception {
    FakeNode node = register(new FakeNode("n1"));
    node.gate = new Semaphore(0);
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT.withMaxScale(4).withQueueSize(5)));

    List<Future<InvocationResult>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(callAsync("hello"));
    }
    // Every call has arrived: running, queued, or refused.
    await(
        "four calls run and the other sixteen wait or are refused",
        () ->
            node.inFlight.get() == 4
                && calls.stream().filter(Future::isDone).count()
                        + scheduler.snapshot().function("hello").queued()
                    == 16);
    node.gate.release(1000);

    int ok = 0;
    List<TooManyRequestsException> refused = new ArrayList<>();
    for (Future<InvocationResult> c : calls) {
      try {
        assertThat(get(c)).isInstanceOf(InvocationResult.Ok.class);
        ok++;
      } catch (ExecutionException e) {
        refused.add((TooManyRequestsException) e.getCause());
      }
    }
    // 4 running and 5 queued at most; at least the 5 queued before any container came up.
    assertThat(ok).isBetween(5, 9);
    assertThat(refused).hasSize(20 - ok);
    assertThat(refused)
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(429);
              assertThat(r.retryAfterSeconds()).isBetween(1L, 60L);
              assertThat(r.getMessage())
                  .startsWith("function 'hello' is at its maximum of 4 containers and 5 calls");
            });
    assertThat(node.maxLive).hasValueLessThanOrEqualTo(4);
    assertThat(node.maxInFlightPerContainer).hasValue(1);
    assertThat(events.started).hasValueLessThanOrEqualTo(4);
    assertIdle(scheduler.snapshot().function("hello"));
  }

  @Test
  void refusalAtMaxScaleWithAFullQueueCarriesRetryAfter() throws Exception {
    FakeNode node = register(new FakeNode("n1"));
    node.gate = new Semaphore(0);
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT.withMaxScale(1).withQueueSize(1)));
    Future<InvocationResult> running = callAsync("hello");
    await("one call runs", () -> node.inFlight.get() == 1);
    Future<InvocationResult> queued = callAsync("hello");
    await("one call waits", () -> scheduler.snapshot().function("hello").queued() == 1);

    assertThatThrownBy(() -> callNow("hello"))
        .isInstanceOfSatisfying(
            TooManyRequestsException.class,
            e -> {
              assertThat(e.status()).isEqualTo(429);
              // Before any call finished, a call counts as 1 s: 2 calls ahead on 1 slot.
              assertThat(e.retryAfterSeconds()).isEqualTo(2);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "function 'hello' is at its maximum of 1 containers and 1 calls are"
                          + " waiting; retry later");
            });
    node.gate.release(2);
    assertThat(get(running)).isInstanceOf(InvocationResult.Ok.class);
    assertThat(get(queued)).isInstanceOf(InvocationResult.Ok.class);
  }

  @Test
  void theQueueIsFirstComeFirstServed() throws Exception {
    FakeNode node = register(new FakeNode("n1"));
    node.gate = new Semaphore(0);
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT.withMaxScale(1)));
    Future<InvocationResult> first =
        callers.submit(() -> scheduler.invoke("hello", call("first", clock, LONG)));
    await("the first call runs", () -> node.inFlight.get() == 1);

    List<Future<InvocationResult>> waiting = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      String id = "waiting-" + i;
      waiting.add(callers.submit(() -> scheduler.invoke("hello", call(id, clock, LONG))));
      int depth = i;
      await(depth + " calls wait", () -> scheduler.snapshot().function("hello").queued() == depth);
    }
    node.gate.release(6);
    get(first);
    for (Future<InvocationResult> w : waiting) {
      get(w);
    }

    assertThat(node.invocations)
        .containsExactly("first", "waiting-1", "waiting-2", "waiting-3", "waiting-4", "waiting-5");
  }

  @Test
  void aCallWaitingPastItsDeadlineEndsWithATimeout() throws Exception {
    FakeNode node = register(new FakeNode("n1"));
    node.gate = new Semaphore(0);
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT.withMaxScale(1)));
    Future<InvocationResult> running = callAsync("hello");
    await("one call runs", () -> node.inFlight.get() == 1);

    InvocationResult late = scheduler.invoke("hello", call("late", clock, Duration.ofMillis(100)));

    assertThat(late)
        .isInstanceOfSatisfying(
            InvocationResult.Timeout.class,
            t -> {
              assertThat(t.message())
                  .isEqualTo(
                      "invocation late of function 'hello' waited in the queue past its deadline");
              assertThat(t.limit()).isEqualTo(Duration.ofMillis(100));
            });
    assertThat(scheduler.snapshot().function("hello").queued()).isZero();
    node.gate.release(1);
    get(running);
    assertThat(node.invocations).doesNotContain("late");
    assertIdle(scheduler.snapshot().function("hello"));
  }

  @Test
  void aContainerServesUpToItsConcurrency() throws Exception {
    FakeNode node = register(new FakeNode("n1"));
    node.gate = new Semaphore(0);
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT.withConcurrency(3).withMaxScale(1)));

    List<Future<InvocationResult>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(callAsync("hello"));
    }
    await("three calls run", () -> node.inFlight.get() == 3);
    await("one call waits", () -> scheduler.snapshot().function("hello").queued() == 1);
    Snapshot.FunctionState busy = scheduler.snapshot().function("hello");
    assertThat(busy.busy()).isEqualTo(1);
    assertThat(busy.inFlight()).isEqualTo(3);

    node.gate.release(4);
    for (Future<InvocationResult> c : calls) {
      get(c);
    }
    assertThat(node.starts).hasSize(1);
    assertThat(node.maxInFlightPerContainer).hasValue(3);
    assertIdle(scheduler.snapshot().function("hello"));
  }

  @Test
  void snapshotCountsContainersCallsAndTheQueue() throws Exception {
    FakeNode node = register(new FakeNode("n1"));
    node.gate = new Semaphore(0);
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT.withMaxScale(2)));
    List<Future<InvocationResult>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(callAsync("hello"));
    }
    await("two calls run", () -> node.inFlight.get() == 2);
    await("one call waits", () -> scheduler.snapshot().function("hello").queued() == 1);

    Snapshot snapshot = scheduler.snapshot();
    assertThat(snapshot.function("hello"))
        .isEqualTo(new Snapshot.FunctionState("hello", 1, 0, 0, 2, 2, 1));
    assertThat(snapshot.node("n1").containers()).isEqualTo(2);
    assertThat(snapshot.node("n1").reservedMemoryMiB()).isEqualTo(256);
    assertThat(snapshot.node("n1").memoryMiB()).isEqualTo(4096);

    node.gate.release(3);
    for (Future<InvocationResult> c : calls) {
      get(c);
    }
    await("all calls finished", () -> scheduler.snapshot().function("hello").inFlight() == 0);
    assertThat(scheduler.snapshot().function("hello"))
        .isEqualTo(new Snapshot.FunctionState("hello", 1, 0, 2, 0, 0, 0));
  }

  static void assertIdle(Snapshot.FunctionState state) {
    assertThat(state.inFlight()).as("calls in flight").isZero();
    assertThat(state.queued()).as("calls queued").isZero();
    assertThat(state.busy()).as("busy containers").isZero();
    assertThat(state.starting()).as("containers starting").isZero();
  }
}
