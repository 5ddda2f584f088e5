package dev.kiln.scheduler;

import static dev.kiln.scheduler.Fixtures.await;
import static dev.kiln.scheduler.Fixtures.call;
import static dev.kiln.scheduler.Fixtures.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.node.InvocationResult;
import dev.kiln.common.node.NodeException;
import dev.kiln.scheduler.api.NoCapacityException;
import dev.kiln.scheduler.api.NodeFailureException;
import dev.kiln.scheduler.api.NodeLostException;
import dev.kiln.scheduler.api.ScalingPolicy;
import dev.kiln.scheduler.api.SchedulerConfig;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

class NodeHealthTest extends SchedulerTestBase {

  @Override
  SchedulerConfig config() {
    return SchedulerConfig.DEFAULT.withDeadlineMargin(Duration.ofMillis(200));
  }

  /** Heartbeats every node in {@code alive} while the clock moves {@code d}. */
  private void pass(Duration d, FakeNode... alive) {
    clock.advance(d);
    for (FakeNode node : alive) {
      assertThat(scheduler.heartbeat(node.id, node.info())).isTrue();
    }
    scheduler.runMaintenance();
  }

  @Test
  void callsOnALostNodeFailWithA502AndNewCallsGoElsewhere() throws Exception {
    FakeNode lost = register(new FakeNode("n1"));
    lost.gate = new Semaphore(0);
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT));
    Future<InvocationResult> running = callAsync("hello");
    await("the call runs on n1", () -> lost.inFlight.get() == 1);
    FakeNode other = register(new FakeNode("n2"));

    pass(Duration.ofSeconds(4), other);
    assertThat(scheduler.snapshot().node("n1"))
        .as("4 s of silence is within the timeout")
        .isNotNull();
    pass(Duration.ofSeconds(3), other);

    assertThatThrownBy(() -> get(running))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            NodeLostException.class,
            e -> {
              assertThat(e.status()).isEqualTo(502);
              assertThat(e.nodeId()).isEqualTo("n1");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "node n1 stopped answering heartbeats; the invocation was not completed");
            });
    assertThat(events.all).contains("lost n1 7s", "stopped hello n1 NODE_LOST");
    assertThat(scheduler.snapshot().node("n1")).isNull();

    assertThat(SchedulerPlacementTest.body(callNow("hello"))).startsWith("n2-");
    ScalingTest.assertIdle(scheduler.snapshot().function("hello"));
    assertThat(scheduler.heartbeat("n1", lost.info()))
        .as("a lost node must register again")
        .isFalse();
    lost.gate.release(1);
  }

  @Test
  void callsWaitingForALostNodeArePlacedOnAnother() throws Exception {
    FakeNode lost = register(new FakeNode("n1"));
    lost.gate = new Semaphore(0);
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT.withMaxScale(1)));
    Future<InvocationResult> running = callAsync("hello");
    await("the call runs on n1", () -> lost.inFlight.get() == 1);
    Future<InvocationResult> waiting = callAsync("hello");
    await("a call waits", () -> scheduler.snapshot().function("hello").queued() == 1);
    FakeNode other = register(new FakeNode("n2"));

    pass(Duration.ofSeconds(7), other);

    assertThatThrownBy(() -> get(running)).cause().isInstanceOf(NodeLostException.class);
    assertThat(SchedulerPlacementTest.body(get(waiting))).startsWith("n2-");
    lost.gate.release(1);
  }

  @Test
  void minScaleIsRestoredOnAnotherNodeAfterALoss() {
    FakeNode lost = register(new FakeNode("n1"));
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT.withMinScale(1)));
    await("warm on n1", () -> lost.live() == 1);
    FakeNode other = register(new FakeNode("n2"));

    pass(Duration.ofSeconds(7), other);

    await("warm on n2", () -> other.live() == 1);
    await("idle again", () -> scheduler.snapshot().function("hello").idle() == 1);
  }

  @Test
  void aStartFailureIsAClean503WithTheNodesMessage() {
    FakeNode node = register(new FakeNode("n1"));
    node.startFailure = new NodeException(503, "no space left on device");
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT));

    assertThatThrownBy(() -> callNow("hello"))
        .isInstanceOfSatisfying(
            NodeFailureException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "could not start a container of function 'hello' version 1 on node n1:"
                          + " no space left on device");
            });
    ScalingTest.assertIdle(scheduler.snapshot().function("hello"));
    assertThat(scheduler.snapshot().node("n1").healthy()).isFalse();
    assertThat(scheduler.snapshot().node("n1").reservedMemoryMiB()).isZero();
  }

  @Test
  void aStartThatFailsOnOneNodeMovesToTheNext() {
    FakeNode broken = register(new FakeNode("a"));
    broken.ensureFailure = new NodeException(502, "registry unreachable");
    FakeNode good = register(new FakeNode("b"));
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT));

    assertThat(SchedulerPlacementTest.body(callNow("hello"))).startsWith("b-");
    assertThat(SchedulerPlacementTest.body(callNow("hello"))).startsWith("b-");
    assertThat(good.starts).hasSize(1);
  }

  @Test
  void withoutNodesACallFailsAt503() {
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT));

    assertThatThrownBy(() -> callNow("hello"))
        .isInstanceOf(NoCapacityException.class)
        .hasMessage("no runtime node is registered; function 'hello' cannot start");
    ScalingTest.assertIdle(scheduler.snapshot().function("hello"));
  }

  @Test
  void aNodeFailingACallDropsTheContainerAndLaterCallsGoElsewhere() {
    FakeNode failing = register(new FakeNode("a"));
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT));
    callNow("hello");
    FakeNode good = register(new FakeNode("b"));
    failing.handler =
        (id, inv) -> {
          throw new NodeException(502, "connection to the runner socket refused");
        };

    assertThatThrownBy(() -> scheduler.invoke("hello", call("x1", clock, LONG)))
        .isInstanceOfSatisfying(
            NodeFailureException.class,
            e -> {
              assertThat(e.status()).isEqualTo(502);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "node a failed invocation x1 of function 'hello': connection to the runner"
                          + " socket refused");
            });
    assertThat(scheduler.snapshot().function("hello").containers()).isZero();
    assertThat(events.all).contains("stopped hello a NODE_ERROR");

    assertThat(SchedulerPlacementTest.body(callNow("hello"))).startsWith("b-");
    assertThat(good.starts).hasSize(1);
    ScalingTest.assertIdle(scheduler.snapshot().function("hello"));
  }

  @Test
  void timeoutAndOutOfMemoryDropTheContainer() {
    FakeNode node = register(new FakeNode("n1"));
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT));
    node.handler =
        (id, inv) ->
            new InvocationResult.OutOfMemory(
                128, "function 'hello' exceeded its memory limit of 128 MiB");
    assertThat(callNow("hello")).isInstanceOf(InvocationResult.OutOfMemory.class);
    assertThat(scheduler.snapshot().function("hello").containers()).isZero();

    node.handler = (id, inv) -> new InvocationResult.Timeout(Duration.ofSeconds(30), "deadline");
    assertThat(callNow("hello")).isInstanceOf(InvocationResult.Timeout.class);
    assertThat(scheduler.snapshot().function("hello").containers()).isZero();

    node.handler = FakeNode::ok;
    assertThat(SchedulerPlacementTest.body(callNow("hello"))).startsWith("n1-c3:");
    assertThat(events.all)
        .containsSubsequence("stopped hello n1 FAILED", "stopped hello n1 FAILED");
    assertThat(scheduler.snapshot().node("n1").containers()).isEqualTo(1);
  }

  @Test
  void aFunctionErrorKeepsTheContainerUnlessItsRunnerExited() {
    FakeNode node = register(new FakeNode("n1"));
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT));
    node.handler =
        (id, inv) ->
            new InvocationResult.FunctionError(
                500, java.util.Map.of(), new byte[0], "KeyError: 'name'", "");
    callNow("hello");
    assertThat(scheduler.snapshot().function("hello").idle()).isEqualTo(1);

    node.handler =
        (id, inv) ->
            new InvocationResult.FunctionError(
                502, java.util.Map.of(), new byte[0], "the function's runner exited: boom", "boom");
    assertThat(callNow("hello")).isInstanceOf(InvocationResult.FunctionError.class);
    assertThat(scheduler.snapshot().function("hello").containers()).isZero();
  }

  @Test
  void aCallTheNodeDidNotRunIsPlacedAgain() {
    FakeNode node = register(new FakeNode("n1"));
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT));
    callNow("hello");
    node.handler =
        (id, inv) ->
            id.equals("n1-c1")
                ? new InvocationResult.Rejected("container n1-c1 is stopped")
                : FakeNode.ok(id, inv);

    assertThat(SchedulerPlacementTest.body(callNow("hello"))).startsWith("n1-c2:");
    assertThat(events.all).contains("stopped hello n1 NODE_ERROR");
  }

  @Test
  void aNodeThatNeverAnswersIsGivenUpSoonAfterTheDeadline() throws Exception {
    FakeNode node = register(new FakeNode("n1"));
    node.gate = new Semaphore(0);
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT));

    long begin = System.nanoTime();
    InvocationResult result =
        scheduler.invoke("hello", call("stuck", clock, Duration.ofMillis(300)));

    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(10));
    assertThat(result)
        .isInstanceOfSatisfying(
            InvocationResult.Timeout.class,
            t ->
                assertThat(t.message())
                    .isEqualTo(
                        "node n1 did not answer invocation stuck of function 'hello' by its"
                            + " deadline; the scheduler stopped waiting and dropped container"
                            + " n1-c1"));
    ScalingTest.assertIdle(scheduler.snapshot().function("hello"));
    assertThat(scheduler.snapshot().function("hello").containers()).isZero();
    node.gate.release(1);
  }

  @Test
  void removingANodeForgetsItsContainers() {
    FakeNode node = register(new FakeNode("n1"));
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT));
    callNow("hello");

    assertThat(scheduler.removeNode("n1")).isTrue();

    assertThat(scheduler.snapshot().function("hello").containers()).isZero();
    assertThat(scheduler.snapshot().nodes()).isEmpty();
    assertThat(scheduler.removeNode("n1")).isFalse();
    assertThat(node.live()).isEqualTo(1);
  }
}
