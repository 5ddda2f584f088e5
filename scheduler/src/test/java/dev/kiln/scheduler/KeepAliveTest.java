package dev.kiln.scheduler;

import static dev.kiln.scheduler.Fixtures.await;
import static dev.kiln.scheduler.Fixtures.target;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.node.InvocationResult;
import dev.kiln.scheduler.api.ScalingPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

class KeepAliveTest extends SchedulerTestBase {
  private static final ScalingPolicy ONE_MINUTE =
      ScalingPolicy.DEFAULT.withKeepAlive(Duration.ofMinutes(1));

  /** Runs {@code n} calls at once, so that {@code n} containers come up. */
  private void burst(FakeNode node, int n) throws Exception {
    node.gate = new Semaphore(0);
    List<Future<InvocationResult>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(callAsync("hello"));
    }
    await(n + " calls run", () -> node.inFlight.get() == n);
    node.gate.release(n);
    for (Future<InvocationResult> c : calls) {
      get(c);
    }
    node.gate = null;
  }

  @Test
  void idleContainersStopAfterTheKeepAliveAndTheFunctionScalesToZero() throws Exception {
    FakeNode node = register(new FakeNode("n1"));
    scheduler.deploy(target("hello", ONE_MINUTE));
    burst(node, 2);

    tick(Duration.ofSeconds(59));
    assertThat(scheduler.snapshot().function("hello").idle()).isEqualTo(2);
    assertThat(node.stopped).isEmpty();

    tick(Duration.ofSeconds(2));

    assertThat(scheduler.snapshot().function("hello").containers()).isZero();
    await("both containers stopped", () -> node.stopped.size() == 2);
    assertThat(node.live()).isZero();
    assertThat(events.all).contains("stopped hello n1 KEEP_ALIVE");
    assertThat(scheduler.snapshot().node("n1").reservedMemoryMiB()).isZero();
  }

  @Test
  void aContainerInUseIsKeptAlive() throws Exception {
    FakeNode node = register(new FakeNode("n1"));
    scheduler.deploy(target("hello", ONE_MINUTE));
    callNow("hello");
    tick(Duration.ofSeconds(45));
    callNow("hello");
    tick(Duration.ofSeconds(45));

    assertThat(scheduler.snapshot().function("hello").idle()).isEqualTo(1);
    assertThat(node.starts).hasSize(1);
  }

  @Test
  void minScaleContainersStartAtDeployAndStayWarm() throws Exception {
    FakeNode node = register(new FakeNode("n1"));
    scheduler.deploy(target("hello", ONE_MINUTE.withMinScale(2)));
    await("two warm containers", () -> scheduler.snapshot().function("hello").idle() == 2);
    burst(node, 3);
    assertThat(node.starts).hasSize(3);

    tick(Duration.ofHours(1));

    assertThat(scheduler.snapshot().function("hello").idle()).isEqualTo(2);
    await("one container stopped", () -> node.stopped.size() == 1);
    assertThat(node.live()).isEqualTo(2);
  }

  @Test
  void aNewVersionReplacesTheContainersOfTheOldOne() throws Exception {
    FakeNode node = register(new FakeNode("n1"));
    scheduler.deploy(target("hello", ONE_MINUTE.withMinScale(1)));
    await("a warm container", () -> scheduler.snapshot().function("hello").idle() == 1);

    scheduler.deploy(
        new dev.kiln.scheduler.api.FunctionTarget(
            Fixtures.spec("hello"), 2, Fixtures.IMAGE, ONE_MINUTE.withMinScale(1)));

    await("the old container stopped", () -> node.stopped.size() == 1);
    await("a container of version 2", () -> node.starts.size() == 2);
    assertThat(node.starts.get(1).version()).isEqualTo(2);
    assertThat(events.all).contains("stopped hello n1 REPLACED");
    await("it is warm", () -> scheduler.snapshot().function("hello").idle() == 1);
    assertThat(scheduler.snapshot().function("hello").version()).isEqualTo(2);
  }
}
