package dev.kiln.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.NodeException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a caller sees when it gets the API wrong: status, JSON problem, exact message. */
class NodeAgentHttpErrorsTest {

  private final FakeNode fake = new FakeNode();
  private RunningAgent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  private static String problem(int status, String message) {
    return new String(AgentJson.problem(status, message), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void assertProblem(HttpResponse<String> r, int status, String message) {
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).isEqualTo(problem(status, message));
  }

  private HttpRequest.Builder invoke(String deadline) {
    HttpRequest.Builder b =
        agent
            .request("/v1/containers/c-1/invoke")
            .header("X-Kiln-Method", "POST")
            .header("X-Kiln-Path", "/")
            .header("X-Kiln-Invocation-Id", "i-1");
    return deadline == null ? b : b.header("X-Kiln-Deadline", deadline);
  }

  @Test
  void problemJsonShape() {
    assertThat(problem(404, "no \"such\" thing"))
        .isEqualTo("{\"error\":\"no \\\"such\\\" thing\",\"status\":404}");
  }

  @Test
  void unknownRoutesAre404() throws Exception {
    agent = RunningAgent.serving(fake, Optional.empty());

    for (String path :
        new String[] {
          "/",
          "/v2/node",
          "/v1/nodes",
          "/v1/containers/",
          "/v1/containers/c-1/exec",
          "/v1/containers/c-1/logs/x"
        }) {
      assertProblem(
          agent.send(agent.request(path).GET()),
          404,
          "no node agent API at " + path + " (the API lives under /v1/, see /v1/node)");
    }
    assertThat(fake.calls).isEmpty();
  }

  @Test
  void wrongMethodsAre405WithAllow() throws Exception {
    agent = RunningAgent.serving(fake, Optional.empty());

    HttpResponse<String> r = agent.send(agent.request("/v1/node").DELETE());
    assertProblem(r, 405, "method DELETE is not allowed on /v1/node (allowed: GET)");
    assertThat(r.headers().firstValue("Allow")).hasValue("GET");

    r = agent.send(agent.request("/v1/containers").PUT(HttpRequest.BodyPublishers.noBody()));
    assertProblem(r, 405, "method PUT is not allowed on /v1/containers (allowed: GET, POST)");
    assertThat(r.headers().firstValue("Allow")).hasValue("GET, POST");

    r = agent.send(agent.request("/v1/containers/c-1/invoke").GET());
    assertProblem(
        r, 405, "method GET is not allowed on /v1/containers/{id}/invoke (allowed: POST)");
  }

  @Test
  void badInputIs400WithTheRecordsMessage() throws Exception {
    agent = RunningAgent.serving(fake, Optional.empty());

    assertProblem(
        agent.send(
            agent
                .request("/v1/containers")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"spec\":{\"name\":\"Bad_Name\",\"runtime\":\"python\",\"handler\":\"h.h\"},"
                            + "\"version\":1,\"image\":\"fn/f:1\"}"))),
        400,
        "invalid start request at spec: name: 'Bad_Name' is not a valid function name (lowercase"
            + " letters, digits and '-', starting with a letter, at most 63 characters)");
    assertProblem(
        agent.send(agent.request("/v1/images").POST(HttpRequest.BodyPublishers.ofString("{}"))),
        400,
        "the image request needs \"image\": a reference such as"
            + " \"127.0.0.1:5000/fn/hello@sha256:...\"");
    assertProblem(
        agent.send(
            agent
                .request("/v1/images")
                .POST(HttpRequest.BodyPublishers.ofString("{\"image\":\"fn/x@md5:00\"}"))),
        400,
        "unsupported digest algorithm 'md5' (expected sha256 or sha512)");
    assertProblem(
        agent.send(agent.request("/v1/containers").POST(HttpRequest.BodyPublishers.noBody())),
        400,
        "the start request needs a JSON body");
    assertProblem(
        agent.send(agent.request("/v1/containers/c-1/logs?maxBytes=lots").GET()),
        400,
        "maxBytes must be a whole number from 1 to 1048576, got 'lots'");
    assertProblem(
        agent.send(invoke(null).POST(HttpRequest.BodyPublishers.noBody())),
        400,
        "X-Kiln-Deadline is missing: epoch milliseconds by which the function must answer");
    assertProblem(
        agent.send(invoke("tomorrow").POST(HttpRequest.BodyPublishers.noBody())),
        400,
        "X-Kiln-Deadline must be epoch milliseconds, got 'tomorrow'");
    assertProblem(
        agent.send(
            invoke("1767225600000")
                .setHeader("X-Kiln-Method", "post")
                .POST(HttpRequest.BodyPublishers.noBody())),
        400,
        "invalid HTTP method 'post'");
    assertThat(fake.calls).isEmpty();
  }

  @Test
  void oversizedBodiesAre413() throws Exception {
    agent = RunningAgent.serving(fake, Optional.empty());

    assertProblem(
        agent.send(
            agent
                .request("/v1/containers")
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        new byte[NodeAgentHandler.MAX_JSON_BODY + 1]))),
        413,
        "request body is larger than the node agent's limit of 1 MiB for a JSON request");
    assertProblem(
        agent.send(
            invoke("1767225600000")
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        new byte[NodeAgentHandler.MAX_INVOKE_BODY + 1]))),
        413,
        "request body is larger than the node agent's limit of 6 MiB for an invocation");

    // Through the client too, and the connection is still good afterwards.
    RemoteNode node = agent.remote();
    Invocation big =
        new Invocation(
            "i",
            "POST",
            "/",
            "",
            Map.of(),
            new byte[NodeAgentHandler.MAX_INVOKE_BODY + 1],
            Instant.now().plusSeconds(10));
    assertThatThrownBy(() -> node.invoke("c-1", big))
        .isInstanceOfSatisfying(NodeException.class, e -> assertThat(e.status()).isEqualTo(413))
        .hasMessage(
            "request body is larger than the node agent's limit of 6 MiB for an invocation");
    assertThat(node.info()).isEqualTo(FakeNode.INFO);
    assertThat(fake.calls).hasSize(1);
  }

  @Test
  void theLimitItselfIsAccepted() throws Exception {
    agent = RunningAgent.serving(fake, Optional.empty());
    RemoteNode node = agent.remote();
    Invocation atLimit =
        new Invocation(
            "i",
            "POST",
            "/",
            "",
            Map.of(),
            new byte[NodeAgentHandler.MAX_INVOKE_BODY],
            Instant.now().plusSeconds(10));

    assertThat(((dev.kiln.common.node.InvocationResult.Ok) node.invoke("c-1", atLimit)).body())
        .hasSize(NodeAgentHandler.MAX_INVOKE_BODY);
  }

  @Test
  void tokenIsCheckedWhenConfigured() throws Exception {
    agent = RunningAgent.serving(fake, Optional.of("s3cret"));

    HttpResponse<String> none = agent.send(agent.request("/v1/node").GET());
    assertProblem(none, 401, "this node needs a token: send 'Authorization: Bearer <token>'");
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"kiln-node\"");
    assertProblem(
        agent.send(agent.request("/v1/node").header("Authorization", "Bearer guess").GET()),
        401,
        "wrong token for this node");
    // Even unknown routes, so the API's shape is not revealed to strangers.
    assertProblem(
        agent.send(agent.request("/nothing").GET()),
        401,
        "this node needs a token: send 'Authorization: Bearer <token>'");

    assertThatThrownBy(() -> agent.remote().info())
        .isInstanceOfSatisfying(NodeException.class, e -> assertThat(e.status()).isEqualTo(401))
        .hasMessage("this node needs a token: send 'Authorization: Bearer <token>'");
    assertThatThrownBy(() -> agent.remote("guess", RemoteNode.Settings.DEFAULT).containers())
        .isInstanceOfSatisfying(NodeException.class, e -> assertThat(e.status()).isEqualTo(401))
        .hasMessage("wrong token for this node");
    assertThat(fake.calls).isEmpty();

    assertThat(agent.remote("s3cret", RemoteNode.Settings.DEFAULT).info()).isEqualTo(FakeNode.INFO);
  }
}
