package dev.kiln.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.http.HttpRequest;
import dev.kiln.common.http.HttpResponse;
import dev.kiln.common.http.UnixHttpClient;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The platform's Unix-socket client against the Java runner. */
@Timeout(120)
class UnixHttpClientTest {

  @TempDir Path dir;

  private RunnerProcess runner;

  @BeforeEach
  void startRunner() throws Exception {
    RunnerKind.JAVA.writeEchoHandler(dir.resolve("code"));
    runner =
        RunnerProcess.start(
            RunnerKind.JAVA,
            dir,
            Map.of(
                "KILN_HANDLER", RunnerKind.JAVA.echoHandler(),
                "KILN_CODE_DIR", dir.resolve("code").toString()));
  }

  @AfterEach
  void stopRunner() {
    runner.close();
  }

  @Test
  void opensANewConnectionAfterTheServerClosedTheLastOne() throws Exception {
    try (UnixHttpClient client = UnixHttpClient.of(runner.socket())) {
      HttpResponse closing = client.send(HttpRequest.get("/one").header("Connection", "close"));
      HttpResponse next = client.send(HttpRequest.get("/two"));

      assertThat(closing.header("Connection")).contains("close");
      assertThat(next.bodyAsString()).contains("path=/two");
      assertThat(client.connectionsOpened()).isEqualTo(2);
    }
  }

  @Test
  void timeoutFailsTheRequestAndTheNextRequestGetsItsOwnAnswer() throws Exception {
    try (UnixHttpClient client = UnixHttpClient.of(runner.socket())) {
      assertThatThrownBy(() -> client.send(HttpRequest.get("/sleep"), Duration.ofMillis(200)))
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("GET /sleep")
          .hasMessageContaining("no response within PT0.2S");

      HttpResponse next = client.send(HttpRequest.get("/next"), RunnerProcess.REQUEST_TIMEOUT);

      assertThat(next.bodyAsString()).contains("path=/next").doesNotContain("slept");
    }
  }

  @Test
  void headResponseHasALengthButNoBody() throws Exception {
    try (UnixHttpClient client = UnixHttpClient.of(runner.socket())) {
      HttpResponse head = client.send(HttpRequest.of("HEAD", "/"));
      HttpResponse get = client.send(HttpRequest.get("/"));

      assertThat(head.status()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      assertThat(head.header("Content-Length")).isPresent();
      assertThat(get.bodyAsString()).contains("method=GET");
      assertThat(client.connectionsOpened()).isEqualTo(1);
    }
  }

  @Test
  void connectingToASocketNobodyListensOnSaysWhich() {
    Path nowhere = dir.resolve("nobody.sock");
    try (UnixHttpClient client = UnixHttpClient.of(nowhere)) {
      assertThatThrownBy(() -> client.send(HttpRequest.get("/")))
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining("cannot connect to " + nowhere);
    }
  }

  @Test
  void closedClientRefusesRequests() {
    UnixHttpClient client = UnixHttpClient.of(runner.socket());
    client.close();

    assertThatThrownBy(() -> client.send(HttpRequest.get("/"))).hasMessageContaining("is closed");
  }
}
