package dev.kiln.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.http.HttpRequest;
import dev.kiln.common.http.HttpResponse;
import dev.kiln.common.http.UnixHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The function protocol (docs/protocol.md) as the platform sees it, checked against each runner
 * over a real Unix socket.
 */
@Timeout(120)
class RunnerProtocolTest {

  @TempDir Path dir;

  private RunnerProcess runner;

  @AfterEach
  void stopRunner() {
    if (runner != null) {
      runner.close();
    }
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void invocationPassesMethodPathQueryHeadersBodyAndInvocationIdThrough(RunnerKind kind)
      throws Exception {
    startInitialised(kind);

    HttpResponse response =
        runner.send(
            HttpRequest.of("PUT", "/orders/42?name=kiln&x=1")
                .header("X-Custom", "custom value")
                .header("ce-type", "dev.kiln.order.created")
                .header("X-Kiln-Invocation-Id", "inv-123")
                .header("X-Kiln-Deadline", "1767225600000")
                .body("hello body".getBytes(StandardCharsets.UTF_8)));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).hasValueSatisfying(t -> t.startsWith("text/plain"));
    assertThat(response.bodyAsString().lines())
        .containsExactly(
            "method=PUT",
            "path=/orders/42",
            "query=name=kiln&x=1",
            "custom=custom value",
            "ce-type=dev.kiln.order.created",
            "invocation=inv-123",
            "deadline=1767225600000",
            "body=hello body",
            "greeting=hi");
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void handlerStatusHeadersAndOneMebibyteBodyComeBackAsIs(RunnerKind kind) throws Exception {
    startInitialised(kind);
    byte[] body = new byte[1024 * 1024];
    new Random(42).nextBytes(body);

    HttpResponse response = runner.send(HttpRequest.post("/raw", body));

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.header("X-Echo-Method")).contains("POST");
    assertThat(response.header("Content-Length")).contains(String.valueOf(body.length));
    assertThat(response.body()).isEqualTo(body);
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void chunkedRequestBodyIsAccepted(RunnerKind kind) throws Exception {
    startInitialised(kind);
    byte[] body = new byte[200 * 1024];
    new Random(7).nextBytes(body);

    HttpResponse response =
        runner.send(HttpRequest.post("/raw", body).header("Transfer-Encoding", "chunked"));

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.body()).isEqualTo(body);
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void returnedObjectIsSentAsJson(RunnerKind kind) throws Exception {
    startInitialised(kind);

    HttpResponse response = runner.send(HttpRequest.get("/json"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).contains("application/json");
    assertThat(response.bodyAsString()).isEqualToIgnoringWhitespace("{\"greeting\":\"hi\"}");
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void handlerFailureIs500WithTheMessageAndTheRunnerKeepsServing(RunnerKind kind) throws Exception {
    startInitialised(kind);

    HttpResponse failure =
        runner.send(HttpRequest.get("/fail").header("X-Kiln-Invocation-Id", "inv-fail"));

    assertThat(failure.status()).isEqualTo(500);
    assertThat(failure.header("X-Kiln-Error")).contains("function");
    assertThat(failure.header("Content-Type")).contains("application/json");
    assertThat(failure.bodyAsString())
        .contains("\"error\"")
        .contains("kaboom")
        .contains("\"stack\"");
    assertThat(runner.send(HttpRequest.get("/after")).status()).isEqualTo(200);
    assertThat(runner.stderr()).contains("inv-fail").contains("kaboom");
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void invocationBeforeInitIs503NotInitialised(RunnerKind kind) throws Exception {
    start(kind, Map.of());

    HttpResponse response = runner.send(HttpRequest.get("/healthz"));

    assertThat(response.status()).isEqualTo(503);
    assertThat(response.header("Content-Type")).contains("application/json");
    assertThat(response.bodyAsString()).contains("not initialised");
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void secondInitIs409(RunnerKind kind) throws Exception {
    startInitialised(kind);

    HttpResponse again = runner.init(kind.echoHandler(), dir.resolve("code"));

    assertThat(again.status()).isEqualTo(409);
    assertThat(again.bodyAsString()).contains("already initialised");
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void unknownHandlerIsRejectedReadablyAndInitCanBeRetried(RunnerKind kind) throws Exception {
    start(kind, Map.of());
    String missing = kind == RunnerKind.JAVA ? "missing.Handler" : "missing.handle";

    HttpResponse rejected = runner.init(missing, dir.resolve("code"));

    assertThat(rejected.status()).isEqualTo(422);
    assertThat(rejected.bodyAsString()).contains("missing").contains("not found");
    assertThat(runner.init(kind.echoHandler(), dir.resolve("code")).status()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void keepAliveCarriesManyRequestsOnOneConnection(RunnerKind kind) throws Exception {
    startInitialised(kind);

    for (int i = 0; i < 20; i++) {
      HttpResponse response = runner.send(HttpRequest.get("/n?i=" + i));
      assertThat(response.bodyAsString()).contains("query=i=" + i);
    }

    assertThat(runner.client().connectionsOpened()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void malformedRequestLineIs400AndTheRunnerKeepsServing(RunnerKind kind) throws Exception {
    startInitialised(kind);

    String answer = rawExchange("NOT A REQUEST\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 400 ");
    assertThat(runner.send(HttpRequest.get("/after")).status()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void framingErrorsAreAnsweredWithTheirStatusAndTheRunnerKeepsServing(RunnerKind kind)
      throws Exception {
    startInitialised(kind);
    String huge = "x".repeat(70 * 1024);

    assertThat(rawExchange("GET / HTTP/1.1\r\nX-Big: " + huge + "\r\n\r\n"))
        .startsWith("HTTP/1.1 431 ");
    assertThat(rawExchange("GET / HTTP/2.0\r\n\r\n")).startsWith("HTTP/1.1 505 ");
    assertThat(rawExchange("GET /\r\n\r\n")).startsWith("HTTP/1.1 400 ");
    assertThat(
            rawExchange(
                "POST / HTTP/1.1\r\nContent-Length: 3\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ");
    assertThat(rawExchange("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ");
    assertThat(rawExchange("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n").substring(0, 13))
        .isIn("HTTP/1.1 501 ", "HTTP/1.1 400 ");
    assertThat(runner.send(HttpRequest.get("/after")).status()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void headContinueAndHttp10AreServedAsTheProtocolSays(RunnerKind kind) throws Exception {
    startInitialised(kind);

    String head = rawExchange("HEAD /h HTTP/1.1\r\nConnection: close\r\n\r\n");
    String continued =
        rawExchange(
            "POST /raw HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n"
                + "Connection: close\r\n\r\nhi");
    // An HTTP/1.0 request without keep-alive is answered and the connection closed, which is what
    // lets rawExchange return at all.
    String old = rawExchange("GET /old HTTP/1.0\r\n\r\n");

    assertThat(head).startsWith("HTTP/1.1 200 ").contains("Content-Length: ").endsWith("\r\n\r\n");
    assertThat(continued).startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 ");
    assertThat(old).startsWith("HTTP/1.1 200 ");
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void bodyOverKilnMaxBodyIs413(RunnerKind kind) throws Exception {
    start(kind, Map.of("KILN_MAX_BODY", "1024"));
    assertThat(runner.init(kind.echoHandler(), dir.resolve("code")).status()).isEqualTo(200);

    HttpResponse response = runner.send(HttpRequest.post("/raw", new byte[4096]));

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.bodyAsString()).contains("1024");
    assertThat(runner.send(HttpRequest.post("/raw", new byte[1024])).status()).isEqualTo(201);
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void runnerStartedWithKilnHandlerServesWithoutInit(RunnerKind kind) throws Exception {
    start(
        kind,
        Map.of(
            "KILN_HANDLER", kind.echoHandler(),
            "KILN_CODE_DIR", dir.resolve("code").toString(),
            "GREETING", "from the process"));

    HttpResponse response = runner.send(HttpRequest.get("/"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyAsString()).contains("greeting=from the process");
    assertThat(runner.init(kind.echoHandler(), dir.resolve("code")).status()).isEqualTo(409);
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void slowInvocationDoesNotHoldUpOtherConnections(RunnerKind kind) throws Exception {
    startInitialised(kind);
    CompletableFuture<HttpResponse> slow;
    try (UnixHttpClient other = UnixHttpClient.of(runner.socket())) {
      slow =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return other.send(HttpRequest.get("/sleep"), RunnerProcess.REQUEST_TIMEOUT);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      // Give the slow request time to reach the handler first.
      Thread.sleep(300);

      HttpResponse fast = runner.send(HttpRequest.get("/fast"));

      assertThat(fast.status()).isEqualTo(200);
      assertThat(slow).isNotDone();
      assertThat(slow.get().bodyAsString()).isEqualTo("slept");
    }
  }

  private void start(RunnerKind kind, Map<String, String> env) throws Exception {
    kind.writeEchoHandler(dir.resolve("code"));
    runner = RunnerProcess.start(kind, dir, env);
  }

  private void startInitialised(RunnerKind kind) throws Exception {
    start(kind, Map.of());
    HttpResponse init = runner.init(kind.echoHandler(), dir.resolve("code"));
    assertThat(init.status()).as(RunnerProcess.describe(init)).isEqualTo(200);
    assertThat(init.bodyAsString()).isEqualToIgnoringWhitespace("{\"ok\":true}");
  }

  /** Sends raw bytes on a fresh connection and reads until the runner closes it. */
  private String rawExchange(String request) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(runner.socket()));
      channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      while (channel.read(buffer) >= 0) {
        answer.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
