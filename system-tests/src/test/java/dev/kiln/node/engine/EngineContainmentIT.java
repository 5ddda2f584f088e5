package dev.kiln.node.engine;

import static dev.kiln.node.engine.Engines.get;
import static dev.kiln.node.engine.Engines.okBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.common.node.StartRequest;
import dev.kiln.common.node.StartRequest.StartMode;
import dev.kiln.node.testing.Requirements;
import dev.kiln.system.KilnImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A function that misbehaves is contained, reported as such, and the node carries on: each case
 * ends with a normal invocation on a new container.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineContainmentIT {
  private static final Limits LIMITS = new Limits(64, 500, 32, Duration.ofSeconds(2));

  @TempDir static Path data;
  private NodeEngine engine;
  private ImageRef probe;
  private FunctionSpec spec;

  @BeforeAll
  void startEngine() {
    Requirements.rootAndRunc();
    engine = NodeEngine.start(Engines.config(data));
    probe = KilnImages.testFunction("probe");
    spec = new FunctionSpec("probe", Runtime.PYTHON, "handler.handle", LIMITS, Map.of());
  }

  @AfterAll
  void closeEngine() {
    if (engine != null) {
      engine.close();
    }
  }

  private ContainerInfo start() {
    return engine.start(new StartRequest(spec, 1, probe, StartMode.FRESH));
  }

  @Test
  void memoryHogIsOutOfMemory() {
    ContainerInfo c = start();

    InvocationResult result = engine.invoke(c.id(), get("mode=hog", 30));

    assertThat(result).isInstanceOf(InvocationResult.OutOfMemory.class);
    assertThat(((InvocationResult.OutOfMemory) result).message())
        .isEqualTo("function 'probe' exceeded its memory limit of 64 MiB");
    assertGone(c.id());
    assertNewContainerWorks();
  }

  @Test
  void forkBombHitsThePidsLimitAndTheNodeStaysHealthy() throws Exception {
    ContainerInfo c = start();

    String answer = okBody(engine.invoke(c.id(), get("mode=fork", 10)));

    assertThat(answer).contains("before the pids limit stopped it");
    assertThat(engine.stats(c.id()).pids()).isBetween(2, 32);
    Process host = new ProcessBuilder("/bin/true").start();
    assertThat(host.waitFor()).as("the host can still fork").isZero();
    assertThat(engine.info().containers()).isEqualTo(1);
    engine.stop(c.id());
    assertGone(c.id());
    assertNewContainerWorks();
  }

  @Test
  void infiniteLoopTimesOutAtTheDeadlineAndTheContainerIsStopped() {
    ContainerInfo c = start();

    long begin = System.nanoTime();
    InvocationResult result = engine.invoke(c.id(), get("mode=loop", 2));
    long tookMillis = (System.nanoTime() - begin) / 1_000_000;

    assertThat(result).isInstanceOf(InvocationResult.Timeout.class);
    assertThat(((InvocationResult.Timeout) result).message())
        .isEqualTo("function 'probe' exceeded its deadline of 2s; the container was stopped");
    assertThat(tookMillis).as("answered at the deadline").isBetween(1500L, 10_000L);
    assertGone(c.id());
    assertThat(engine.invoke(c.id(), get("", 5)))
        .isEqualTo(new InvocationResult.Rejected("no container '" + c.id() + "' on this node"));
    assertNewContainerWorks();
  }

  private void assertGone(String id) {
    assertThat(engine.containers()).extracting(ContainerInfo::id).doesNotContain(id);
    assertThat(Files.exists(data.resolve("containers").resolve(id))).isFalse();
    assertThat(engine.logs(id, 100)).isNotNull();
  }

  private void assertNewContainerWorks() {
    ContainerInfo fresh = start();
    String body = okBody(engine.invoke(fresh.id(), get("mode=inspect", 10)));
    assertThat(body).contains("\"net\": [\"lo\"]");
    engine.stop(fresh.id());
  }
}
