package dev.kiln.gateway.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.kiln.common.node.NodeInfo;
import dev.kiln.gateway.testing.Api;
import dev.kiln.gateway.testing.KilnTestResources;
import dev.kiln.node.agent.AgentJson;
import dev.kiln.node.agent.ControlPlaneLink;
import dev.kiln.node.agent.NodeMain;
import dev.kiln.node.agent.NodeOptions;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code /v1/nodes}: joining, heartbeats, leaving and listing, with node agents on loopback. */
@QuarkusTest
@WithTestResource(value = KilnTestResources.class, scope = TestResourceScope.MATCHING_RESOURCES)
class NodesTest {

  @TestHTTPResource("/")
  URL base;

  private static Map<String, Object> registration(FakeAgent agent, String token) {
    return token == null
        ? Map.of("nodeId", agent.info.nodeId(), "url", agent.url.toString())
        : Map.of("nodeId", agent.info.nodeId(), "url", agent.url.toString(), "token", token);
  }

  @Test
  void aNodeJoinsHeartbeatsIsListedAndLeaves() throws Exception {
    String key = Api.newKey("node", "node");
    try (FakeAgent agent = new FakeAgent("fake-1", Optional.of("agent-secret"))) {
      Api.as(key)
          .contentType("application/json")
          .body(registration(agent, "agent-secret"))
          .post("/v1/nodes")
          .then()
          .statusCode(201)
          .header("Location", containsString("/v1/nodes/fake-1"))
          .body("nodeId", equalTo("fake-1"))
          .body("url", equalTo(agent.url.toString()))
          .body("memoryMiB", equalTo(2048))
          .body("lost", equalTo(false));

      NodeInfo busy = new NodeInfo("fake-1", "runc", 2, 4000, 2048, 3, 1500, 384);
      Api.as(key)
          .contentType("application/json")
          .body(AgentJson.write(busy))
          .put("/v1/nodes/fake-1/heartbeat")
          .then()
          .statusCode(204);
      Api.admin()
          .get("/v1/nodes")
          .then()
          .statusCode(200)
          .body("nodeId", hasItem("fake-1"))
          .body("find { it.nodeId == 'fake-1' }.reservedMemoryMiB", equalTo(384))
          .body("find { it.nodeId == 'fake-1' }.url", equalTo(agent.url.toString()));

      Api.as(key).delete("/v1/nodes/fake-1").then().statusCode(204);
      Api.admin().get("/v1/nodes").then().body("nodeId", not(hasItem("fake-1")));
      Api.admin()
          .get("/v1/nodes/fake-1")
          .then()
          .statusCode(404)
          .body("detail", equalTo("no node 'fake-1' is registered"));
      Api.as(key)
          .contentType("application/json")
          .body(AgentJson.write(busy))
          .put("/v1/nodes/fake-1/heartbeat")
          .then()
          .statusCode(404)
          .contentType("application/problem+json")
          .body("type", equalTo("https://kiln.dev/problems/unknown-node"))
          .body("detail", equalTo("unknown node 'fake-1', register again (POST /v1/nodes)"));
    }
  }

  @Test
  void registrationsTheControlPlaneCannotUseAreRefusedWithTheReason() throws Exception {
    try (FakeAgent agent = new FakeAgent("fake-2", Optional.of("agent-secret"))) {
      Api.admin()
          .contentType("application/json")
          .body(Map.of("nodeId", "other", "url", agent.url.toString(), "token", "agent-secret"))
          .post("/v1/nodes")
          .then()
          .statusCode(409)
          .body("detail", equalTo("the agent at " + agent.url + " is node 'fake-2', not 'other'"));
      Api.admin()
          .contentType("application/json")
          .body(registration(agent, null))
          .post("/v1/nodes")
          .then()
          .statusCode(502)
          .body("type", equalTo("https://kiln.dev/problems/node-unreachable"))
          .body("detail", containsString("cannot register node 'fake-2': the control plane"))
          .body("detail", containsString("--advertise"));
    }
    Api.admin()
        .contentType("application/json")
        .body(Map.of("nodeId", "Bad_Id", "url", "http://127.0.0.1:1"))
        .post("/v1/nodes")
        .then()
        .statusCode(400)
        .body(
            "detail",
            equalTo(
                "nodeId must be 1-41 of [a-z0-9-], starting with a letter or digit, got 'Bad_Id'"));
    Api.admin()
        .contentType("application/json")
        .body(Map.of("nodeId", "n1", "url", "10.0.0.7:7070"))
        .post("/v1/nodes")
        .then()
        .statusCode(400)
        .body("detail", containsString("url must be the node agent's base URL"));
  }

  @Test
  void onlyAdminAndNodeKeysMayChangeNodes() {
    String invoke = Api.newKey("reader", "invoke");
    Api.as(invoke)
        .contentType("application/json")
        .body(Map.of("nodeId", "n1", "url", "http://127.0.0.1:1"))
        .post("/v1/nodes")
        .then()
        .statusCode(403)
        .body(
            "detail",
            equalTo(
                "POST /v1/nodes needs a key with the admin or node scope; this key has: invoke"));
    Api.as(invoke).get("/v1/nodes").then().statusCode(200);
    String deploy = Api.newKey("deployer", "deploy");
    Api.as(deploy).delete("/v1/nodes/n1").then().statusCode(403);
  }

  @Test
  void kilnNodeJoinSendsHeartbeatsUntilItLeaves() throws Exception {
    String key = Api.newKey("joiner", "node");
    FakeAgent engine = new FakeAgent("fake-3");
    String controlPlane = base.toString().replaceAll("/$", "");
    NodeOptions options =
        NodeOptions.parse(
            new String[] {
              "--listen", "127.0.0.1:0", "--join", controlPlane, "--key", key, "--token", "t0ken"
            },
            Map.of(),
            Path.of("/tmp"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (NodeMain.Running node =
        NodeMain.start(
            options,
            o -> engine,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new ControlPlaneLink.Settings(
                Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(1)))) {
      awaitListed("fake-3", true);
      Api.admin()
          .get("/v1/nodes/fake-3")
          .then()
          .statusCode(200)
          .body("url", equalTo("http://127.0.0.1:" + node.port()));
      // Forgotten by the control plane (as after a restart): the next heartbeat gets 404 and the
      // node registers again.
      Api.admin().delete("/v1/nodes/fake-3").then().statusCode(204);
      awaitListed("fake-3", true);
    }
    awaitListed("fake-3", false);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("kiln node: joined " + controlPlane + " as fake-3")
        .contains("does not know fake-3 (restarted, or it missed heartbeats); registering again");
  }

  private static void awaitListed(String nodeId, boolean listed) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    while (Instant.now().isBefore(deadline)) {
      List<String> ids = Api.admin().get("/v1/nodes").then().extract().jsonPath().getList("nodeId");
      if (ids.contains(nodeId) == listed) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("node " + nodeId + (listed ? " never joined" : " never left"));
  }
}
