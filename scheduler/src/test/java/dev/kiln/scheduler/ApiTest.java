package dev.kiln.scheduler;

import static dev.kiln.scheduler.Fixtures.IMAGE;
import static dev.kiln.scheduler.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.node.InvocationResult;
import dev.kiln.scheduler.api.FunctionTarget;
import dev.kiln.scheduler.api.ScalingPolicy;
import dev.kiln.scheduler.api.SchedulerConfig;
import dev.kiln.scheduler.api.UnknownFunctionException;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

class ApiTest extends SchedulerTestBase {

  @Test
  void scalingPolicyDefaultsAndChecks() {
    assertThat(ScalingPolicy.DEFAULT)
        .isEqualTo(new ScalingPolicy(1, 0, 10, Duration.ofMinutes(10), 100));
    assertThat(new ScalingPolicy(2, 0, 3, null, 0).keepAlive()).isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(() -> ScalingPolicy.DEFAULT.withMinScale(11))
        .hasMessage("minScale must be between 0 and maxScale (10), got 11");
    assertThatThrownBy(() -> ScalingPolicy.DEFAULT.withConcurrency(0))
        .hasMessage("concurrency must be between 1 and 1000, got 0");
    assertThatThrownBy(() -> ScalingPolicy.DEFAULT.withMaxScale(0))
        .hasMessage("maxScale must be between 1 and 10000, got 0");
    assertThatThrownBy(() -> ScalingPolicy.DEFAULT.withQueueSize(-1))
        .hasMessage("queueSize must be between 0 and 100000, got -1");
    assertThatThrownBy(() -> ScalingPolicy.DEFAULT.withKeepAlive(Duration.ZERO))
        .hasMessage("keepAlive must be positive, got PT0S");
  }

  @Test
  void functionTargetChecks() {
    assertThat(new FunctionTarget(spec("hello"), 1, IMAGE, null).policy())
        .isEqualTo(ScalingPolicy.DEFAULT);
    assertThatThrownBy(() -> new FunctionTarget(spec("hello"), 0, IMAGE, null))
        .hasMessage("function 'hello': versions start at 1, got 0");
    assertThatThrownBy(() -> new FunctionTarget(spec("hello"), 1, null, null))
        .hasMessage("function 'hello' needs an image");
  }

  @Test
  void configDefaultsToThreeMissedHeartbeats() {
    assertThat(SchedulerConfig.DEFAULT.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(SchedulerConfig.DEFAULT.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(6));
    assertThatThrownBy(() -> SchedulerConfig.DEFAULT.withHeartbeatTimeout(Duration.ofSeconds(1)))
        .hasMessageStartingWith("heartbeatTimeout (PT1S) must be longer than heartbeatInterval");
  }

  @Test
  void callingAFunctionThatIsNotDeployedIs404() {
    assertThatThrownBy(() -> callNow("nope"))
        .isInstanceOfSatisfying(
            UnknownFunctionException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessage("function 'nope' is not deployed");
  }

  @Test
  void undeployFailsWaitingCallsAndStopsContainers() throws Exception {
    FakeNode node = register(new FakeNode("n1"));
    node.gate = new Semaphore(0);
    scheduler.deploy(Fixtures.target("hello", ScalingPolicy.DEFAULT.withMaxScale(1)));
    Future<InvocationResult> running = callAsync("hello");
    Fixtures.await("a call runs", () -> node.inFlight.get() == 1);
    Future<InvocationResult> waiting = callAsync("hello");
    Fixtures.await("a call waits", () -> scheduler.snapshot().function("hello").queued() == 1);

    assertThat(scheduler.undeploy("hello")).isTrue();

    assertThatThrownBy(() -> get(waiting))
        .cause()
        .isInstanceOf(UnknownFunctionException.class)
        .hasMessage("function 'hello' was undeployed while the call waited for a container");
    node.gate.release(1);
    assertThat(get(running)).isInstanceOf(InvocationResult.Ok.class);
    Fixtures.await("the container stopped", () -> node.live() == 0);
    assertThat(events.all).contains("stopped hello n1 UNDEPLOYED");
    assertThat(scheduler.undeploy("hello")).isFalse();
    assertThat(scheduler.snapshot().functions()).isEmpty();
  }

  @Test
  void aListenerThatThrowsBreaksNothing() {
    scheduler.close();
    scheduler =
        Scheduler.create(
            SchedulerConfig.DEFAULT,
            new dev.kiln.scheduler.api.SchedulerListener() {
              @Override
              public void containerStarted(String function, String nodeId, String containerId) {
                throw new IllegalStateException("metrics are down");
              }
            },
            clock);
    register(new FakeNode("n1"));
    scheduler.deploy(Fixtures.target("hello", ScalingPolicy.DEFAULT));

    assertThat(callNow("hello")).isInstanceOf(InvocationResult.Ok.class);
  }

  @Test
  void theBackgroundThreadRunsMaintenance() {
    scheduler.close();
    ManualClock manual = new ManualClock();
    scheduler =
        Scheduler.create(
                new SchedulerConfig(
                    Duration.ofMillis(20), null, Duration.ofMillis(10), null, null, null, 2),
                events,
                manual)
            .start();
    register(new FakeNode("n1"));

    manual.advance(Duration.ofSeconds(1));

    Fixtures.await("n1 is lost", () -> scheduler.snapshot().nodes().isEmpty());
    assertThat(events.all).contains("lost n1 1s");
  }
}
