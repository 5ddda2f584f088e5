package dev.kiln.scheduler;

import static dev.kiln.scheduler.Fixtures.IMAGE;
import static dev.kiln.scheduler.Fixtures.await;
import static dev.kiln.scheduler.Fixtures.call;
import static dev.kiln.scheduler.Fixtures.target;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.Runtime;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.common.node.StartRequest;
import dev.kiln.scheduler.api.ScalingPolicy;
import dev.kiln.scheduler.api.Served;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

class SchedulerPlacementTest extends SchedulerTestBase {

  @Test
  void anIdleWarmContainerServesTheNextCall() {
    FakeNode node = register(new FakeNode("n1"));
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT));

    InvocationResult first = callNow("hello");
    InvocationResult second = callNow("hello");

    assertThat(node.starts).hasSize(1);
    assertThat(body(first)).startsWith("n1-c1:");
    assertThat(body(second)).startsWith("n1-c1:");
  }

  @Test
  void theFirstCallOfAContainerIsColdOfItsStartKindAndTheNextOnesWarm() {
    FakeNode node = register(new FakeNode("n1").withStemCells(Runtime.PYTHON, 1));
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT));

    Served first = scheduler.serve("hello", call(clock, LONG));
    Served second = scheduler.serve("hello", call(clock, LONG));

    assertThat(first.coldStart()).isEqualTo(ContainerInfo.ColdStart.STEM_CELL);
    assertThat(first.start()).isEqualTo("stem-cell");
    assertThat(first.nodeId()).isEqualTo("n1");
    assertThat(first.containerId()).isEqualTo("n1-c1");
    assertThat(node.starts).hasSize(1);
    assertThat(second.start()).isEqualTo("warm");
    assertThat(second.containerId()).isEqualTo(first.containerId());
    assertThat(second.result()).isInstanceOf(InvocationResult.Ok.class);
  }

  @Test
  void theImageIsEnsuredOncePerNodeBeforeStarting() throws Exception {
    FakeNode node = register(new FakeNode("n1"));
    node.gate = new Semaphore(0);
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT.withMaxScale(2)));

    Future<InvocationResult> a = callAsync("hello");
    Future<InvocationResult> b = callAsync("hello");
    await("two calls run", () -> node.inFlight.get() == 2);
    node.gate.release(2);
    get(a);
    get(b);

    assertThat(node.ensured).containsExactly(IMAGE);
    assertThat(node.starts).hasSize(2);
    assertThat(node.starts)
        .allSatisfy(s -> assertThat(s.mode()).isEqualTo(StartRequest.StartMode.AUTO));
    assertThat(node.starts.get(0).version()).isEqualTo(1);
  }

  @Test
  void aNodeHoldingTheImageIsPreferredToAnEmptierOne() throws Exception {
    FakeNode first = register(new FakeNode("n1"));
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT.withMinScale(1)));
    await("the warm container is up", () -> first.live() == 1);
    FakeNode empty = register(new FakeNode("n2"));
    first.gate = new Semaphore(0);

    List<Future<InvocationResult>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(callAsync("hello"));
    }
    await("three calls run", () -> first.inFlight.get() == 3);
    first.gate.release(3);
    for (Future<InvocationResult> c : calls) {
      assertThat(get(c)).isInstanceOf(InvocationResult.Ok.class);
    }

    assertThat(first.starts).hasSize(3);
    assertThat(empty.starts).isEmpty();
    assertThat(empty.ensured).isEmpty();
  }

  @Test
  void stemCellStartsAreReportedAsSuch() {
    register(new FakeNode("n1").withStemCells(Runtime.PYTHON, 1));
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT));

    callNow("hello");

    assertThat(events.all).contains("cold hello n1 STEM_CELL", "started hello n1");
  }

  @Test
  void containersSpreadOverNodesOnceOneIsFull() throws Exception {
    // 512 MiB nodes take four 128 MiB containers each.
    FakeNode a = register(new FakeNode("a", 512));
    FakeNode b = register(new FakeNode("b", 512));
    a.gate = new Semaphore(0);
    b.gate = new Semaphore(0);
    scheduler.deploy(target("hello", ScalingPolicy.DEFAULT.withMaxScale(8)));

    List<Future<InvocationResult>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(callAsync("hello"));
    }
    await("eight calls run", () -> a.inFlight.get() + b.inFlight.get() == 8);

    assertThat(a.live()).isEqualTo(4);
    assertThat(b.live()).isEqualTo(4);
    assertThat(scheduler.snapshot().node("a").containers()).isEqualTo(4);
    assertThat(scheduler.snapshot().node("b").reservedMemoryMiB()).isEqualTo(512);
    a.gate.release(4);
    b.gate.release(4);
    for (Future<InvocationResult> c : calls) {
      assertThat(get(c)).isInstanceOf(InvocationResult.Ok.class);
    }
  }

  static String body(InvocationResult result) {
    assertThat(result).isInstanceOf(InvocationResult.Ok.class);
    return new String(((InvocationResult.Ok) result).body(), StandardCharsets.UTF_8);
  }
}
