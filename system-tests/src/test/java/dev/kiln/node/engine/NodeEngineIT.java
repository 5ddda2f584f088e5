package dev.kiln.node.engine;

import static dev.kiln.node.engine.Engines.get;
import static dev.kiln.node.engine.Engines.okBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import dev.kiln.common.http.HttpRequest;
import dev.kiln.common.http.UnixHttpClient;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.ContainerStats;
import dev.kiln.common.node.ImageStatus;
import dev.kiln.common.node.NodeException;
import dev.kiln.common.node.StartRequest;
import dev.kiln.common.node.StartRequest.StartMode;
import dev.kiln.common.node.StemCellPool;
import dev.kiln.node.testing.Requirements;
import dev.kiln.system.KilnImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine end to end: images built by {@code ./kiln build}, containers run by real runc on
 * overlayfs, invocations over the runners' sockets. One engine, with one stem cell per runtime,
 * serves every test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeEngineIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path data;
  private NodeEngine engine;

  @BeforeAll
  void startEngine() throws Exception {
    Requirements.rootAndRunc();
    engine =
        NodeEngine.start(
            Engines.withCells(Engines.config(data), Runtime.PYTHON, Runtime.NODE, Runtime.JAVA));
    assertThat(engine.awaitStemCells(Duration.ofSeconds(120)))
        .as("stem cells ready: %s", engine.stemCells())
        .isTrue();
  }

  @AfterAll
  void closeEngine() {
    if (engine != null) {
      engine.close();
    }
  }

  static Stream<Arguments> runtimes() {
    return Stream.of(
        Arguments.of(Runtime.PYTHON, "hello-python", "handler.handle"),
        Arguments.of(Runtime.NODE, "hello-node", "handler.handle"),
        Arguments.of(Runtime.JAVA, "hello-java", "com.example.Hello"));
  }

  @ParameterizedTest
  @MethodSource("runtimes")
  void functionAnswersInAFreshContainerAndInAStemCell(
      Runtime runtime, String example, String handler) throws Exception {
    ImageRef image = KilnImages.example(example);
    FunctionSpec spec = Engines.spec(example, runtime, handler, Map.of("GREETING", "Hej"));

    ContainerInfo fresh = engine.start(new StartRequest(spec, 1, image, StartMode.FRESH));
    assertThat(fresh.coldStart()).isEqualTo(ContainerInfo.ColdStart.FRESH);
    assertThat(okBody(engine.invoke(fresh.id(), get("name=Kiln", 10)))).isEqualTo("Hej, Kiln!");

    ContainerInfo cell = engine.start(new StartRequest(spec, 1, image, StartMode.STEM_CELL));
    assertThat(cell.coldStart()).isEqualTo(ContainerInfo.ColdStart.STEM_CELL);
    assertThat(okBody(engine.invoke(cell.id(), get("name=Kiln", 10))))
        .as("the /init env reached the function")
        .isEqualTo("Hej, Kiln!");

    System.out.printf(
        "[engine] %s startup: fresh %.1f ms, stem cell %.1f ms%n",
        runtime.id(), fresh.startup().toNanos() / 1e6, cell.startup().toNanos() / 1e6);
    printWarmInvokes(runtime, fresh.id());

    engine.stop(fresh.id());
    engine.stop(cell.id());
    assertThat(engine.containers())
        .extracting(ContainerInfo::id)
        .doesNotContain(fresh.id(), cell.id());
    assertThat(engine.awaitStemCells(Duration.ofSeconds(60))).as("the pool refilled").isTrue();
  }

  /** Warm invocations through the engine and, for comparison, straight on the socket. */
  private void printWarmInvokes(Runtime runtime, String id) throws Exception {
    int n = 300;
    for (int i = 0; i < 100; i++) {
      okBody(engine.invoke(id, get("name=warm", 10)));
    }
    List<Long> viaEngine = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      engine.invoke(id, get("name=warm", 10));
      viaEngine.add(System.nanoTime() - t);
    }
    List<Long> direct = new ArrayList<>();
    try (UnixHttpClient client =
        UnixHttpClient.of(data.resolve("containers").resolve(id).resolve("sock/fn.sock"))) {
      HttpRequest request = HttpRequest.get("/?name=warm");
      for (int i = 0; i < 100; i++) {
        client.send(request);
      }
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        client.send(request);
        direct.add(System.nanoTime() - t);
      }
    }
    double engineP50 = median(viaEngine) / 1e6;
    double directP50 = median(direct) / 1e6;
    System.out.printf(
        "[engine] %s warm invoke p50: engine %.3f ms, direct socket %.3f ms, overhead %.3f ms%n",
        runtime.id(), engineP50, directP50, engineP50 - directP50);
  }

  private static double median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  @Test
  void aKilnfileImageKeepsItsEnvInAStemCell() {
    ImageRef image = KilnImages.example("hello-kilnfile");
    FunctionSpec spec = Engines.spec("hello-kilnfile", Runtime.PYTHON, "greet.handle", Map.of());

    ContainerInfo cell = engine.start(new StartRequest(spec, 1, image, StartMode.STEM_CELL));

    assertThat(okBody(engine.invoke(cell.id(), get("name=Kiln", 10))))
        .isEqualTo("Howdy, Kiln! (built from a Kilnfile)");
    engine.stop(cell.id());
  }

  @Test
  void oneContainerServesConcurrentInvocations() throws Exception {
    // The scheduler decides how many calls a container takes at once (a function's
    // concurrency); the node gives each call its own connection to the runner.
    ImageRef image = KilnImages.example("hello-python");
    FunctionSpec spec =
        Engines.spec("hello-python", Runtime.PYTHON, "handler.handle", Map.of("GREETING", "Hi"));
    ContainerInfo c = engine.start(new StartRequest(spec, 1, image, StartMode.FRESH));
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String name = "n" + i;
        answers.add(pool.submit(() -> okBody(engine.invoke(c.id(), get("name=" + name, 20)))));
      }
      for (int i = 0; i < answers.size(); i++) {
        assertThat(answers.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS))
            .isEqualTo("Hi, n" + i + "!");
      }
    } finally {
      pool.shutdownNow();
      engine.stop(c.id());
    }
  }

  @Test
  void waitingStemCellsRunAtTheLowestCpuWeight() throws Exception {
    assertThat(engine.awaitStemCells(Duration.ofSeconds(60))).isTrue();
    // cgroup v1 here: <cpu hierarchy>/kiln-<node>/<cell>/cpu.shares; on v2, cpu.weight.
    Path v1 = Path.of("/sys/fs/cgroup/cpu", "kiln-" + engine.config().nodeId());
    Path v2 = Path.of("/sys/fs/cgroup", "kiln-" + engine.config().nodeId());
    boolean unified = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
    Path subtree = unified ? v2 : v1;
    List<String> weights = new java.util.ArrayList<>();
    try (java.util.stream.Stream<Path> dirs = Files.list(subtree)) {
      for (Path cell : dirs.filter(d -> d.getFileName().toString().startsWith("cell-")).toList()) {
        weights.add(Files.readString(cell.resolve(unified ? "cpu.weight" : "cpu.shares")).strip());
      }
    }
    assertThat(weights).as("the waiting cells' CPU weights").hasSizeGreaterThanOrEqualTo(3);
    assertThat(weights).containsOnly(unified ? "1" : "2");
  }

  @Test
  void containerSeesOnlyItselfWithItsLimits() throws Exception {
    ImageRef image = KilnImages.testFunction("probe");
    Limits limits = new Limits(96, 300, 48, Duration.ofSeconds(5));
    FunctionSpec spec =
        new FunctionSpec("probe", Runtime.PYTHON, "handler.handle", limits, Map.of());

    for (StartMode mode : List.of(StartMode.FRESH, StartMode.STEM_CELL)) {
      ContainerInfo c = engine.start(new StartRequest(spec, 1, image, mode));
      JsonNode seen = JSON.readTree(okBody(engine.invoke(c.id(), get("mode=inspect", 10))));

      assertThat(seen.path("pids").get(0).asInt()).as(mode + ": own pid namespace").isEqualTo(1);
      assertThat(seen.path("pids").size()).as(mode + ": only its own processes").isLessThan(5);
      assertThat(seen.path("net").toString()).as(mode + ": loopback only").isEqualTo("[\"lo\"]");
      assertThat(seen.path("rootWritable").asBoolean()).as(mode + ": read-only root").isFalse();
      assertThat(seen.path("tmpWritable").asBoolean()).as(mode + ": tmpfs /tmp").isTrue();
      JsonNode cg = seen.path("limits");
      assertThat(cg.path("memory").asText()).as(mode + ": memory").isIn("100663296");
      assertThat(cg.path("pids").asText()).as(mode + ": pids").isEqualTo("48");
      assertThat(cg.path("cpu").asText()).as(mode + ": cpu").startsWith("30000");
      // A stem cell waits at the lowest CPU weight; taking it restores the default.
      assertThat(cg.path("weight").asText()).as(mode + ": cpu weight").isIn("1024", "100");

      ContainerStats stats = engine.stats(c.id());
      assertThat(stats.memoryBytes()).isPositive();
      assertThat(stats.pids()).isPositive();
      engine.stop(c.id());
    }
  }

  @Test
  void logsAreKeptAfterTheContainerStops() {
    ImageRef image = KilnImages.testFunction("probe");
    FunctionSpec spec = FunctionSpec.of("probe", Runtime.PYTHON, "handler.handle");
    ContainerInfo c = engine.start(new StartRequest(spec, 1, image, StartMode.FRESH));

    okBody(engine.invoke(c.id(), get("mode=print", 10)));
    assertThat(engine.logs(c.id(), 4096))
        .contains("probe says hello on stdout")
        .contains("probe says hello on stderr");

    engine.stop(c.id());
    assertThat(engine.logs(c.id(), 4096)).contains("probe says hello on stderr");
    assertThatThrownBy(() -> engine.logs("no-such-container", 100))
        .isInstanceOf(NodeException.class)
        .hasMessage("no container 'no-such-container' on this node");
  }

  @Test
  void imagesAreReadyOnceAndStemCellsNeedTheirBase() throws Exception {
    ImageRef image = KilnImages.example("hello-python");
    ImageStatus status = engine.ensureImage(image);
    assertThat(status.layers()).isGreaterThanOrEqualTo(4);
    assertThat(engine.ensureImage(image).layersUnpacked()).isZero();

    // A node function image was built on another base than the python stem cells.
    FunctionSpec wrongBase = Engines.spec("hello-node", Runtime.PYTHON, "handler.handle", Map.of());
    assertThatThrownBy(
            () ->
                engine.start(
                    new StartRequest(
                        wrongBase, 1, KilnImages.example("hello-node"), StartMode.STEM_CELL)))
        .isInstanceOf(NodeException.class)
        .hasMessageContaining("cannot start 'hello-node' from a stem cell: layer 2 is");

    List<StemCellPool> pools = engine.stemCells();
    assertThat(pools)
        .extracting(StemCellPool::runtime)
        .contains(Runtime.PYTHON, Runtime.NODE, Runtime.JAVA);
    assertThat(engine.info().cgroupVersion()).isIn(1, 2);
    assertThat(Files.isDirectory(data.resolve("layers"))).isTrue();
  }
}
