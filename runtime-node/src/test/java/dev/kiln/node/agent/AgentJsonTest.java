package dev.kiln.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.common.node.StartRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON shapes of docs/node-agent.md, and the messages bad JSON gets. */
class AgentJsonTest {

  private static final String HEX =
      "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81";

  private static String json(Object value) {
    return new String(AgentJson.write(value), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void startRequestShape() {
    StartRequest request =
        new StartRequest(
            new FunctionSpec(
                "resize",
                Runtime.PYTHON,
                "handler.handle",
                new Limits(256, 1000, 32, Duration.ofSeconds(10)),
                Map.of("B", "2", "A", "1")),
            3,
            ImageRef.parse("127.0.0.1:5000/fn/resize:3@sha256:" + HEX),
            StartRequest.StartMode.STEM_CELL);

    String json = json(request);

    assertThat(json)
        .isEqualTo(
            "{\"spec\":{\"name\":\"resize\",\"runtime\":\"python\",\"handler\":\"handler.handle\","
                + "\"limits\":{\"memoryMiB\":256,\"cpuMillis\":1000,\"pids\":32,\"timeout\":10000},"
                + "\"env\":{\"A\":\"1\",\"B\":\"2\"}},\"version\":3,"
                + "\"image\":\"127.0.0.1:5000/fn/resize:3@sha256:"
                + HEX
                + "\",\"mode\":\"stem_cell\"}");
    assertThat(AgentJson.read(bytes(json), StartRequest.class, "start request")).isEqualTo(request);
  }

  @Test
  void containerInfoShape() {
    ContainerInfo info =
        new ContainerInfo(
            "c-1",
            "resize",
            3,
            FakeNode.IMAGE,
            ContainerInfo.ColdStart.FRESH,
            ContainerInfo.State.BUSY,
            Instant.ofEpochMilli(1_767_225_600_123L),
            Duration.ofMillis(37));

    assertThat(json(info))
        .isEqualTo(
            "{\"id\":\"c-1\",\"function\":\"resize\",\"version\":3,\"image\":\""
                + FakeNode.IMAGE
                + "\",\"coldStart\":\"fresh\",\"state\":\"busy\","
                + "\"startedAt\":1767225600123,\"startup\":37}");
  }

  @Test
  void localImageNamesStayLocal() {
    ImageRef local = ImageRef.parseLocal("hello:1");
    ImageRef hub = ImageRef.parse("alpine");

    assertThat(AgentJson.readImageRequest(AgentJson.imageRequest(local))).isEqualTo(local);
    assertThat(AgentJson.readImageRequest(AgentJson.imageRequest(hub))).isEqualTo(hub);
    assertThat(new String(AgentJson.imageRequest(hub), StandardCharsets.UTF_8))
        .isEqualTo("{\"image\":\"docker.io/library/alpine:latest\"}");
  }

  @Test
  void invocationResultsCarryTheirKind() {
    InvocationResult.Ok ok =
        new InvocationResult.Ok(
            201, Map.of("x-a", List.of("1", "2")), new byte[] {0, -1}, Duration.ofMillis(5));
    InvocationResult error =
        new InvocationResult.FunctionError(
            500, Map.of(), new byte[0], "handler raised ValueError", "Traceback ...\n");
    InvocationResult timeout = new InvocationResult.Timeout(Duration.ofSeconds(3), "overran 3 s");
    InvocationResult oom = new InvocationResult.OutOfMemory(128, "exceeded 128 MiB");
    InvocationResult rejected = new InvocationResult.Rejected("container c-1 is busy");

    assertThat(json(ok))
        .isEqualTo(
            "{\"kind\":\"ok\",\"status\":201,\"headers\":{\"x-a\":[\"1\",\"2\"]},"
                + "\"body\":\"AP8=\",\"took\":5}");
    assertThat(json(error))
        .isEqualTo(
            "{\"kind\":\"function-error\",\"status\":500,\"headers\":{},\"body\":\"\","
                + "\"message\":\"handler raised ValueError\",\"logTail\":\"Traceback ...\\n\"}");
    assertThat(json(timeout))
        .isEqualTo("{\"kind\":\"timeout\",\"limit\":3000,\"message\":\"overran 3 s\"}");
    assertThat(json(oom))
        .isEqualTo(
            "{\"kind\":\"out-of-memory\",\"limitMiB\":128,\"message\":\"exceeded 128 MiB\"}");
    assertThat(json(rejected))
        .isEqualTo("{\"kind\":\"rejected\",\"reason\":\"container c-1 is busy\"}");

    for (InvocationResult r : List.of(error, timeout, oom, rejected)) {
      InvocationResult back = AgentJson.read(AgentJson.write(r), InvocationResult.class, "result");
      assertThat(back).usingRecursiveComparison().isEqualTo(r);
    }
    InvocationResult.Ok okBack =
        (InvocationResult.Ok) AgentJson.read(AgentJson.write(ok), InvocationResult.class, "result");
    assertThat(okBack.body()).containsExactly(0, -1);
    assertThat(okBack.headers()).isEqualTo(ok.headers());
    assertThat(okBack.took()).isEqualTo(Duration.ofMillis(5));
  }

  @Test
  void badJsonSaysWhatAndWhere() {
    String spec = "{\"name\":\"f\",\"runtime\":\"python\",\"handler\":\"h.h\"";

    assertThatThrownBy(
            () -> AgentJson.read(bytes("{\"spec\": }"), StartRequest.class, "start request"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed JSON in the start request: Unexpected character");
    assertThatThrownBy(() -> AgentJson.read(new byte[0], StartRequest.class, "start request"))
        .hasMessage("the start request needs a JSON body");
    assertThatThrownBy(
            () ->
                AgentJson.read(
                    bytes(
                        "{\"spec\":"
                            + spec
                            + ",\"limits\":{\"memoryMiB\":1,\"cpuMillis\":100,\"pids\":1,"
                            + "\"timeout\":1000}},\"version\":1,\"image\":\"fn/f:1\"}"),
                    StartRequest.class,
                    "start request"))
        .hasMessage(
            "invalid start request at spec.limits: memory must be between 16 and 65536 MiB, got 1");
    assertThatThrownBy(
            () ->
                AgentJson.read(
                    bytes("{\"spec\":" + spec + "},\"version\":0,\"image\":\"fn/f:1\"}"),
                    StartRequest.class,
                    "start request"))
        .hasMessage("invalid start request: function versions start at 1, got 0");
    assertThatThrownBy(
            () ->
                AgentJson.read(
                    bytes(
                        "{\"spec\":"
                            + spec
                            + "},\"version\":1,\"image\":\"fn/f:1\",\"mode\":\"warm\"}"),
                    StartRequest.class,
                    "start request"))
        .hasMessage("invalid start request at mode: 'warm' is not one of auto, fresh, stem_cell");
    assertThatThrownBy(
            () ->
                AgentJson.read(
                    bytes("{\"spec\":" + spec + "},\"version\":1,\"image\":\"Fn/F\"}"),
                    StartRequest.class,
                    "start request"))
        .hasMessageStartingWith("invalid start request at image: invalid repository name 'Fn/F'");
    assertThatThrownBy(
            () ->
                AgentJson.read(
                    bytes(
                        "{\"spec\":"
                            + spec
                            + ",\"limits\":{\"memoryMiB\":128,\"cpuMillis\":100,\"pids\":1,"
                            + "\"timeout\":\"10s\"}},\"version\":1,\"image\":\"fn/f:1\"}"),
                    StartRequest.class,
                    "start request"))
        .hasMessage(
            "invalid start request at spec.limits.timeout: expected whole milliseconds, got \"10s\"");
    assertThatThrownBy(
            () ->
                AgentJson.read(
                    bytes("{\"kind\":\"exploded\"}"), InvocationResult.class, "invocation result"))
        .hasMessageStartingWith("invalid invocation result: Could not resolve type id 'exploded'");
  }
}
