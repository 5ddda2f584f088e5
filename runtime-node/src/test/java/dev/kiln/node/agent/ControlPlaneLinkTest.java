package dev.kiln.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kiln node --join}: registration, heartbeats, registering again after a 404, retrying
 * through failures, and leaving on close, against a fake control plane.
 */
class ControlPlaneLinkTest {

  static final ControlPlaneLink.Settings FAST =
      new ControlPlaneLink.Settings(
          Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofMillis(200));

  /** One request the fake control plane received. */
  record Seen(String method, String path, String authorization, String body) {}

  final List<Seen> seen = new CopyOnWriteArrayList<>();
  volatile int registerStatus = 201;
  volatile int heartbeatStatus = 204;
  HttpServer server;
  URI url;
  final ByteArrayOutputStream log = new ByteArrayOutputStream();

  @BeforeEach
  void controlPlane() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::answer);
    server.start();
    url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(HttpExchange x) throws IOException {
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = x.getRequestURI().getPath();
    String method = x.getRequestMethod();
    seen.add(new Seen(method, path, x.getRequestHeaders().getFirst("Authorization"), body));
    int status;
    if (method.equals("POST") && path.equals("/v1/nodes")) {
      status = registerStatus;
    } else if (method.equals("PUT") && path.endsWith("/heartbeat")) {
      status = heartbeatStatus;
    } else {
      status = 204;
    }
    byte[] answer =
        status >= 400 ? "{\"error\":\"no\"}".getBytes(StandardCharsets.UTF_8) : new byte[0];
    x.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
    x.getResponseBody().write(answer);
    x.close();
  }

  private ControlPlaneLink link(Optional<String> token) {
    return new ControlPlaneLink(
        URI.create(url + "/"),
        Optional.of("kiln_k"),
        "node-7",
        URI.create("http://10.0.0.7:7070"),
        token,
        () -> FakeNode.INFO,
        FAST,
        new PrintStream(log, true, StandardCharsets.UTF_8));
  }

  private long count(String method) {
    return seen.stream().filter(s -> s.method().equals(method)).count();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(10);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void registersThenHeartbeatsWithTheNodesInfoAndLeavesOnClose() throws Exception {
    try (ControlPlaneLink link = link(Optional.of("agent-secret"))) {
      link.start();
      await("three heartbeats", () -> count("PUT") >= 3);
      assertThat(link.joined()).isTrue();
    }

    Seen register = seen.get(0);
    assertThat(register.method()).isEqualTo("POST");
    assertThat(register.path()).isEqualTo("/v1/nodes");
    assertThat(register.authorization()).isEqualTo("Bearer kiln_k");
    assertThat(register.body())
        .isEqualTo(
            "{\"nodeId\":\"node-7\",\"url\":\"http://10.0.0.7:7070\",\"token\":\"agent-secret\"}");
    Seen beat = seen.get(1);
    assertThat(beat.path()).isEqualTo("/v1/nodes/node-7/heartbeat");
    assertThat(
            AgentJson.read(
                beat.body().getBytes(StandardCharsets.UTF_8),
                dev.kiln.common.node.NodeInfo.class,
                "node info"))
        .isEqualTo(FakeNode.INFO);
    Seen leave = seen.get(seen.size() - 1);
    assertThat(leave.method()).isEqualTo("DELETE");
    assertThat(leave.path()).isEqualTo("/v1/nodes/node-7");
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("kiln node: joined " + url + " as node-7 (agent http://10.0.0.7:7070)");
  }

  @Test
  void aNodeTheControlPlaneForgotRegistersAgain() throws Exception {
    try (ControlPlaneLink link = link(Optional.empty())) {
      link.start();
      await("a heartbeat", () -> count("PUT") >= 1);
      heartbeatStatus = 404;
      await("a second registration", () -> count("POST") >= 2);
      heartbeatStatus = 204;
      long beats = count("PUT");
      await("heartbeats again", () -> count("PUT") > beats + 1);
    }
    assertThat(seen.get(0).body()).doesNotContain("token");
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains(
            url + " does not know node-7 (restarted, or it missed heartbeats); registering again");
  }

  @Test
  void keepsTryingWhileTheControlPlaneRefusesOrIsAway() throws Exception {
    registerStatus = 401;
    try (ControlPlaneLink link = link(Optional.empty())) {
      link.start();
      await("three attempts", () -> count("POST") >= 3);
      assertThat(link.joined()).isFalse();
      registerStatus = 201;
      await("joined", link::joined);
    }
    String out = log.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains(
            "control plane "
                + url
                + " answered 401 while registering node node-7 (give the node an API key with"
                + " the admin or node scope: --key): {\"error\":\"no\"}; retrying");
    assertThat(out.lines().filter(l -> l.contains("answered 401")).count())
        .as("the same failure is logged once")
        .isEqualTo(1);
  }

  @Test
  void aControlPlaneThatIsDownIsRetried() throws Exception {
    server.stop(0);
    try (ControlPlaneLink link = link(Optional.empty())) {
      link.start();
      await("a logged failure", () -> log.toString(StandardCharsets.UTF_8).contains("retrying"));
      assertThat(log.toString(StandardCharsets.UTF_8))
          .contains("cannot reach control plane " + url);
      server = HttpServer.create(server.getAddress(), 16);
      server.createContext("/", this::answer);
      server.start();
      await("joined", link::joined);
    }
  }
}
