package dev.kiln.node.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.http.HttpResponse;
import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsTest {
  private static final Results.LogTail NO_LOGS = () -> "";

  @Test
  void anyStatusTheFunctionChoseIsOk() {
    HttpResponse response =
        new HttpResponse(503, Map.of("Content-Type", List.of("text/plain")), bytes("busy"));

    InvocationResult result = Results.answered(response, Duration.ofMillis(3), NO_LOGS);

    assertThat(result).isInstanceOf(InvocationResult.Ok.class);
    assertThat(((InvocationResult.Ok) result).status()).isEqualTo(503);
  }

  @Test
  void markedErrorIsAFunctionErrorWithTheRunnersMessage() {
    HttpResponse response =
        new HttpResponse(
            500,
            Map.of("X-Kiln-Error", List.of("function")),
            bytes("{\"error\": \"ValueError: kaboom\", \"stack\": \"...\"}"));

    InvocationResult result = Results.answered(response, Duration.ZERO, () -> "Traceback ...");

    assertThat(result).isInstanceOf(InvocationResult.FunctionError.class);
    InvocationResult.FunctionError error = (InvocationResult.FunctionError) result;
    assertThat(error.message()).isEqualTo("ValueError: kaboom");
    assertThat(error.logTail()).isEqualTo("Traceback ...");
  }

  @Test
  void markedErrorWithoutJsonFallsBackToTheStatus() {
    HttpResponse response =
        new HttpResponse(500, Map.of("x-kiln-error", List.of("function")), bytes("oops"));

    InvocationResult.FunctionError error =
        (InvocationResult.FunctionError) Results.answered(response, Duration.ZERO, NO_LOGS);

    assertThat(error.message()).isEqualTo("the function failed with status 500");
  }

  @Test
  void aDeadRunnerIsOutOfMemoryOnlyWhenTheKernelSaysSo() {
    String message = Results.memoryMessage("resize", 128);
    assertThat(Results.runnerGone(true, 128, message, "Killed"))
        .isEqualTo(
            new InvocationResult.OutOfMemory(
                128, "function 'resize' exceeded its memory limit of 128 MiB"));

    InvocationResult.FunctionError crash =
        (InvocationResult.FunctionError)
            Results.runnerGone(false, 128, message, "starting\nSegmentation fault\n\n");
    assertThat(crash.message()).isEqualTo("the function's runner exited: Segmentation fault");
    assertThat(crash.logTail()).contains("starting");
  }

  @Test
  void deadlineMessageSaysWhatHappened() {
    assertThat(Results.deadlineMessage("x", Duration.ofSeconds(2)))
        .isEqualTo("function 'x' exceeded its deadline of 2s; the container was stopped");
    assertThat(Results.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(Results.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Results.format(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThat(Results.format(Duration.ofSeconds(90))).isEqualTo("90s");
  }

  @Test
  void requestCarriesTheInvocationHeadersAndDropsHopByHopOnes() {
    Invocation invocation =
        new Invocation(
            "inv-1",
            "POST",
            "/orders",
            "limit=5",
            Map.of("connection", List.of("close"), "X-Name", List.of("Kiln")),
            bytes("{}"),
            Instant.ofEpochMilli(1767225630000L));

    var request = Invoker.request(invocation, 1767225630000L);

    assertThat(request.target()).isEqualTo("/orders?limit=5");
    assertThat(request.headers().get("x-kiln-invocation-id")).containsExactly("inv-1");
    assertThat(request.headers().get("X-Kiln-Deadline")).containsExactly("1767225630000");
    assertThat(request.headers().get("x-name")).containsExactly("Kiln");
    assertThat(request.headers()).doesNotContainKey("Connection");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
