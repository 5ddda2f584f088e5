package dev.kiln.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.ContainerStats;
import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.common.node.NodeException;
import dev.kiln.common.node.StartRequest;
import dev.kiln.common.node.StemCellPool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint through the real path: {@link RemoteNode} → HTTP on loopback → {@link
 * NodeAgentServer} → {@link NodeAgentHandler} → {@link FakeNode}, and back.
 */
class NodeAgentRoundTripTest {

  private static final String HEX =
      "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81";

  private final FakeNode fake = new FakeNode();
  private RunningAgent agent;
  private RemoteNode node;

  @BeforeEach
  void start() throws Exception {
    agent = RunningAgent.serving(fake, Optional.empty());
    node = agent.remote();
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  private static StartRequest startRequest() {
    return new StartRequest(
        new FunctionSpec(
            "resize",
            Runtime.PYTHON,
            "handler.handle",
            new Limits(256, 1500, 32, Duration.ofMillis(2500)),
            Map.of("GREETING", "grüezi", "EMPTY", "")),
        4,
        ImageRef.parse("127.0.0.1:5000/fn/resize:4@sha256:" + HEX),
        StartRequest.StartMode.STEM_CELL);
  }

  private static byte[] everyByte() {
    byte[] body = new byte[512];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    return body;
  }

  private static Invocation invocation(Map<String, List<String>> headers, byte[] body) {
    return new Invocation(
        "inv-1 ü/%41",
        "PUT",
        "/images/caf%C3%A9 50%/ü",
        "size=10&tag=a+b&x=%2F",
        headers,
        body,
        Instant.now().plusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }

  private static Map<String, List<String>> awkwardHeaders() {
    Map<String, List<String>> h = new TreeMap<>();
    h.put("content-type", List.of("image/png"));
    h.put("x-multi", List.of("one", "two, with comma", "three"));
    h.put("x-spaces", List.of("  leading and trailing  "));
    h.put("x-percent", List.of("100% sure %41"));
    h.put("x-unicode", List.of("grüße ✓"));
    h.put("x-empty", List.of(""));
    h.put("authorization", List.of("Bearer the-function's-own"));
    return h;
  }

  private static void assertSameHeaders(
      Map<String, List<String>> actual, Map<String, List<String>> expected) {
    Map<String, List<String>> a = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    a.putAll(actual);
    assertThat(actual).hasSameSizeAs(expected);
    expected.forEach((name, values) -> assertThat(a.get(name)).as(name).isEqualTo(values));
  }

  @Test
  void info() {
    assertThat(node.info()).isEqualTo(FakeNode.INFO);
  }

  @Test
  void ensureImageKeepsTheReference() {
    ImageRef pinned = ImageRef.parse("127.0.0.1:5000/fn/resize@sha256:" + HEX);
    ImageRef local = ImageRef.parseLocal("hello:1");

    assertThat(node.ensureImage(pinned).manifest()).isEqualTo(pinned.digest());
    assertThat(node.ensureImage(local).layers()).isEqualTo(3);

    assertThat(fake.calls)
        .containsExactly(List.of("ensureImage", pinned), List.of("ensureImage", local));
  }

  @Test
  void startStopAndListContainers() {
    StartRequest request = startRequest();

    ContainerInfo started = node.start(request);

    assertThat(fake.calls).containsExactly(List.of("start", request));
    assertThat(started).isEqualTo(fake.containers.get("c-1"));
    assertThat(started.coldStart()).isEqualTo(ContainerInfo.ColdStart.STEM_CELL);
    assertThat(node.containers()).containsExactly(started);

    node.stop("c-1");

    assertThat(node.containers()).isEmpty();
    assertThat(fake.calls).contains(List.of("stop", "c-1"));
  }

  @Test
  void statsStemCellsAndLogs() {
    node.start(startRequest());

    assertThat(node.stats("c-1"))
        .isEqualTo(new ContainerStats(50L << 20, 64L << 20, 123_456_789L, 7, 1));
    assertThat(node.stemCells())
        .containsExactly(
            new StemCellPool(Runtime.PYTHON, 2, 2, 5), new StemCellPool(Runtime.JAVA, 0, 1, 0));
    assertThat(node.logs("c-1", 4096)).isEqualTo("line one\nZeile zwei: ü\n");
    assertThat(fake.calls).contains(List.of("logs", "c-1", 4096));
  }

  @Test
  void containerIdsAreEscapedInPaths() {
    String id = "c/1 ü?#%";
    assertThatThrownBy(() -> node.stats(id))
        .isInstanceOfSatisfying(NodeException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessage("no container 'c/1 ü?#%' on node node-7");
    node.stop(id);
    assertThat(fake.calls).containsExactly(List.of("stats", id), List.of("stop", id));
  }

  @Test
  void invocationFieldsSurviveBothWays() {
    byte[] requestBody = everyByte();
    Invocation sent = invocation(awkwardHeaders(), requestBody);
    byte[] responseBody = everyByte();
    Map<String, List<String>> responseHeaders = new TreeMap<>();
    responseHeaders.put("set-cookie", List.of("a=1; Path=/", "b=2"));
    responseHeaders.put("content-type", List.of("application/octet-stream"));
    responseHeaders.put("date", List.of("Thu, 01 Jan 2026 00:00:00 GMT"));
    responseHeaders.put("x-trace", List.of(" ü 100% "));
    fake.invoke =
        (id, inv) ->
            new InvocationResult.Ok(207, responseHeaders, responseBody, Duration.ofNanos(347_000));

    InvocationResult result = node.invoke("c-1", sent);

    Invocation received = (Invocation) ((List<?>) fake.calls.get(0)).get(2);
    assertThat(((List<?>) fake.calls.get(0)).get(1)).isEqualTo("c-1");
    assertThat(received.id()).isEqualTo(sent.id());
    assertThat(received.method()).isEqualTo("PUT");
    assertThat(received.path()).isEqualTo(sent.path());
    assertThat(received.query()).isEqualTo(sent.query());
    assertThat(received.deadline()).isEqualTo(sent.deadline());
    assertThat(received.body()).isEqualTo(requestBody);
    assertSameHeaders(received.headers(), sent.headers());

    InvocationResult.Ok ok = (InvocationResult.Ok) result;
    assertThat(ok.status()).isEqualTo(207);
    assertThat(ok.body()).isEqualTo(responseBody);
    assertThat(ok.took()).isEqualTo(Duration.ofNanos(347_000));
    assertSameHeaders(ok.headers(), responseHeaders);
  }

  @Test
  void emptyBodiesAndNoHeaders() {
    fake.invoke = (id, inv) -> new InvocationResult.Ok(204, Map.of(), new byte[0], Duration.ZERO);
    Invocation bare =
        new Invocation("i", "GET", "/", "", Map.of(), new byte[0], Instant.now().plusSeconds(5));

    InvocationResult.Ok ok = (InvocationResult.Ok) node.invoke("c-1", bare);

    Invocation received = (Invocation) ((List<?>) fake.calls.get(0)).get(2);
    assertThat(received.query()).isEmpty();
    assertThat(received.headers()).isEmpty();
    assertThat(received.body()).isEmpty();
    assertThat(ok.status()).isEqualTo(204);
    assertThat(ok.headers()).isEmpty();
    assertThat(ok.body()).isEmpty();
  }

  @Test
  void everyResultKindSurvives() {
    Invocation inv = invocation(Map.of(), new byte[] {1});
    String log =
        "Traceback (most recent call last):\n  File \"handler.py\", line 3\nValueError: ü\n";
    List<InvocationResult> results =
        List.of(
            new InvocationResult.FunctionError(
                500,
                Map.of("content-type", List.of("text/plain")),
                "boom".getBytes(),
                "function 'resize' raised ValueError: ü",
                log),
            new InvocationResult.FunctionError(502, Map.of(), new byte[0], "runner crashed", null),
            new InvocationResult.Timeout(
                Duration.ofMillis(2500), "function 'resize' overran its timeout of 2.5 s"),
            new InvocationResult.OutOfMemory(
                128, "function 'resize' exceeded its memory limit of 128 MiB"),
            new InvocationResult.Rejected("container c-1 is busy"),
            new InvocationResult.Ok(
                500, Map.of(), "a 500 the function chose".getBytes(), Duration.ofMillis(3)));

    for (InvocationResult expected : results) {
      fake.invoke = (id, i) -> expected;
      InvocationResult actual = node.invoke("c-1", inv);
      assertThat(actual).as(expected.toString()).usingRecursiveComparison().isEqualTo(expected);
    }
  }

  @Test
  void nodeExceptionsKeepStatusAndMessage() {
    for (int status : new int[] {400, 404, 409, 500, 503, 507}) {
      String message = "node trouble " + status + ": image fn/x:1 cannot be pulled (ü)";
      fake.failWith(new NodeException(status, message));
      for (Runnable call :
          List.<Runnable>of(
              node::info,
              () -> node.ensureImage(ImageRef.parseLocal("fn/x:1")),
              () -> node.start(startRequest()),
              () -> node.invoke("c-1", invocation(Map.of(), new byte[0])),
              () -> node.stop("c-1"),
              node::containers,
              () -> node.stats("c-1"),
              node::stemCells,
              () -> node.logs("c-1", 10))) {
        assertThatThrownBy(call::run)
            .isInstanceOfSatisfying(
                NodeException.class, e -> assertThat(e.status()).isEqualTo(status))
            .hasMessage(message);
      }
    }
  }

  @Test
  void engineBugsAre500s() {
    fake.failWith(new IllegalStateException("layer cache corrupt"));

    assertThatThrownBy(node::info)
        .isInstanceOfSatisfying(NodeException.class, e -> assertThat(e.status()).isEqualTo(500))
        .hasMessage("node agent failed: IllegalStateException: layer cache corrupt");
  }

  /** Not a benchmark (bench/ has those): shows what the agent adds to every invocation. */
  @Test
  void printsTheMedianInvokeRoundTrip() {
    byte[] body = new byte[1024];
    Invocation inv =
        new Invocation(
            "i",
            "POST",
            "/",
            "",
            Map.of("content-type", List.of("application/json")),
            body,
            Instant.now().plusSeconds(60));
    fake.invoke =
        (id, i) ->
            new InvocationResult.Ok(
                200, Map.of("content-type", List.of("application/json")), i.body(), Duration.ZERO);
    for (int i = 0; i < 500; i++) {
      node.invoke("c-1", inv);
    }
    fake.calls.clear();
    long[] nanos = new long[1000];
    for (int i = 0; i < nanos.length; i++) {
      long t0 = System.nanoTime();
      InvocationResult r = node.invoke("c-1", inv);
      nanos[i] = System.nanoTime() - t0;
      assertThat(r).isInstanceOf(InvocationResult.Ok.class);
    }
    java.util.Arrays.sort(nanos);
    System.out.printf(
        "node agent invoke round trip (1 KiB each way, loopback, %d calls): median %d µs, p99 %d µs%n",
        nanos.length, nanos[nanos.length / 2] / 1000, nanos[nanos.length * 99 / 100] / 1000);
  }
}
