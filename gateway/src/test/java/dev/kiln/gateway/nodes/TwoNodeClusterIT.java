package dev.kiln.gateway.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.gateway.testing.Archives;
import dev.kiln.gateway.testing.KilnProcess;
import dev.kiln.gateway.testing.KilnTestResources;
import dev.kiln.image.testing.Tools;
import dev.kiln.node.agent.RemoteNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real cluster on one machine: the packaged control plane ({@code quarkus-run.jar} with the roles
 * of {@code kiln server} and its embedded PostgreSQL) and two {@code kiln node --join} processes
 * running containers with runc. Under load, containers spread over both nodes; a node killed with
 * SIGKILL mid-load costs only the calls it was running (502/503, never a hang), the other node
 * takes the rest, the control plane forgets the lost node within the heartbeat timeout, and the
 * node rejoins when it comes back.
 */
class TwoNodeClusterIT {

  static final Path EXAMPLE = Path.of("..", "examples", "hello-python");
  static final ObjectMapper JSON = new ObjectMapper();

  /** Every call ends by then; a call still open is a hang and fails the test. */
  static final Duration CALL_BOUND = Duration.ofSeconds(45);

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final List<Process> processes = new ArrayList<>();
  final List<Path> dirs = new ArrayList<>();
  String base;
  String admin;

  @AfterEach
  void stopEverything() throws Exception {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
    for (Path dir : dirs) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // A temporary directory: the OS cleans what is left.
      }
    }
  }

  @Test
  void loadSpreadsOverTwoNodesAndSurvivesOneBeingKilled() throws Exception {
    requireRootAndRunc();
    Path cpDir = shortDir();
    int port = Tools.freePort();
    base = "http://127.0.0.1:" + port;
    Path cpLog = cpDir.resolve("control-plane.log");
    Process controlPlane = startControlPlane(cpDir, port, cpLog);
    awaitReady(controlPlane, cpLog);
    admin = JSON.readTree(cpDir.resolve("cli.json").toFile()).get("key").asText();

    // Four containers of 128 MiB fill both nodes (256 MiB each): the scheduler fills the node
    // holding the image first, then spills onto the other.
    HttpResponse<String> deployed =
        send(
            request("/v1/functions?concurrency=1&maxScale=4")
                .header("Content-Type", "application/gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(archive()))
                .build());
    assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);

    Path aDir = shortDir();
    Path bDir = shortDir();
    int aPort = Tools.freePort();
    Process a = startNode(aDir, aPort);
    NodeProcess b = new NodeProcess(bDir, Tools.freePort());
    b.process = startNode(bDir, b.port);
    String aId = awaitNodeId(aDir, a);
    String bId = awaitNodeId(bDir, b.process);
    awaitNodes(
        "both nodes to join", ids -> ids.containsAll(Set.of(aId, bId)), Duration.ofSeconds(60));

    RemoteNode agentA = new RemoteNode(URI.create("http://127.0.0.1:" + aPort));
    RemoteNode agentB = new RemoteNode(URI.create("http://127.0.0.1:" + b.port));
    Load load = new Load(8);
    try {
      // Warm containers on both nodes, as their agents report them, and calls being served.
      Instant deadline = Instant.now().plusSeconds(120);
      while (!(load.ok() >= 50 && warm(agentA) > 0 && warm(agentB) > 0)) {
        if (Instant.now().isAfter(deadline) || !load.failures().isEmpty()) {
          throw new AssertionError(
              "no warm containers on both nodes: "
                  + aId
                  + "="
                  + warm(agentA)
                  + " "
                  + bId
                  + "="
                  + warm(agentB)
                  + " after "
                  + load.ok()
                  + " calls; GET /v1/nodes: "
                  + nodes()
                  + "; failed calls: "
                  + load.failures());
        }
        Thread.sleep(100);
      }
      JsonNode spread = nodes();
      System.out.printf(
          "[cluster] warm containers under load: %s=%d %s=%d (GET /v1/nodes: %d and %d) after"
              + " %d calls%n",
          aId,
          warm(agentA),
          bId,
          warm(agentB),
          containers(spread, aId),
          containers(spread, bId),
          load.ok());

      // The function's output comes from its containers on both nodes, read through the agents.
      String logs = send(request("/v1/functions/hello-python/logs").build()).body();
      assertThat(logs)
          .contains(" on node " + aId + " (version 1)")
          .contains(" on node " + bId + " (version 1)")
          .contains("kiln-runner ready");

      // SIGKILL: no shutdown hook, no DELETE /v1/nodes, containers left running until reconciled.
      long okBeforeKill = load.ok();
      Instant killed = Instant.now();
      b.process.destroyForcibly().waitFor();
      awaitNodes(
          "the killed node to be forgotten", ids -> !ids.contains(bId), Duration.ofSeconds(15));
      Duration forgotten = Duration.between(killed, Instant.now());
      load.stop();
      System.out.printf(
          "[cluster] %s left GET /v1/nodes %d ms after SIGKILL; calls meanwhile: %d ok, failed:"
              + " %s%n",
          bId, forgotten.toMillis(), load.ok() - okBeforeKill, summary(load.failures()));
      assertThat(forgotten).isLessThan(Duration.ofSeconds(10));
      assertThat(load.hangs()).as("calls that did not end within " + CALL_BOUND).isZero();
      assertThat(load.ok()).as("calls the survivor served meanwhile").isGreaterThan(okBeforeKill);
      assertThat(load.failures())
          .as("calls that failed because the node died")
          .allSatisfy(
              f -> {
                assertThat(f.status()).isIn(502, 503);
                assertThat(f.body()).contains("\"detail\"");
              });

      // The survivor answers on its own.
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r = call("after-" + i);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("Hello, after-" + i + "!");
      }
      assertThat(containers(nodes(), aId)).isPositive();
    } finally {
      load.stop();
    }

    // Back on the same data directory: the node cleans up what SIGKILL left and joins again.
    b.process = startNode(bDir, b.port);
    awaitNodes("the restarted node to rejoin", ids -> ids.contains(bId), Duration.ofSeconds(60));
  }

  /** A node's data directory and port, kept across its restart. */
  static final class NodeProcess {
    final Path dir;
    final int port;
    Process process;

    NodeProcess(Path dir, int port) {
      this.dir = dir;
      this.port = port;
    }
  }

  /** One failed call: its status and body. */
  record Failure(int status, String body) {}

  /** Threads calling the function in a loop until stopped. */
  final class Load {
    final AtomicBoolean running = new AtomicBoolean(true);
    final ExecutorService pool;
    final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    final Map<String, Long> counts = new ConcurrentHashMap<>();

    Load(int threads) {
      pool = Executors.newFixedThreadPool(threads);
      for (int t = 0; t < threads; t++) {
        String who = "t" + t;
        pool.submit(
            () -> {
              while (running.get()) {
                try {
                  HttpResponse<String> r = call(who);
                  if (r.statusCode() == 200) {
                    counts.merge("ok", 1L, Long::sum);
                  } else {
                    failures.add(new Failure(r.statusCode(), r.body()));
                    Thread.sleep(20);
                  }
                } catch (HttpTimeoutException e) {
                  counts.merge("hang", 1L, Long::sum);
                } catch (IOException e) {
                  failures.add(new Failure(-1, e.toString()));
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
      }
    }

    long ok() {
      return counts.getOrDefault("ok", 0L);
    }

    long hangs() {
      return counts.getOrDefault("hang", 0L);
    }

    long done() {
      return ok() + failures.size();
    }

    List<Failure> failures() {
      return List.copyOf(failures);
    }

    void stop() throws InterruptedException {
      if (!running.getAndSet(false)) {
        return;
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(CALL_BOUND.toSeconds() + 5, TimeUnit.SECONDS))
          .as("load threads ended")
          .isTrue();
    }
  }

  /** Containers a node's agent reports as idle or busy. */
  private static long warm(RemoteNode agent) {
    try {
      return agent.containers().stream()
          .filter(c -> c.state() != ContainerInfo.State.STOPPED)
          .count();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Failures counted by status and message. */
  private static Map<String, Long> summary(List<Failure> failures) {
    return failures.stream()
        .collect(
            Collectors.groupingBy(
                f -> f.status() + " " + f.body().replaceAll(".*\"detail\":\"([^\"]*)\".*", "$1"),
                java.util.TreeMap::new,
                Collectors.counting()));
  }

  HttpResponse<String> call(String name) throws IOException, InterruptedException {
    return http.send(
        request("/fn/hello-python?name=" + name).timeout(CALL_BOUND).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + admin);
  }

  private HttpResponse<String> send(HttpRequest r) throws IOException, InterruptedException {
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode nodes() throws IOException, InterruptedException {
    HttpResponse<String> r = send(request("/v1/nodes").timeout(Duration.ofSeconds(10)).build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static int containers(JsonNode nodes, String id) {
    for (JsonNode n : nodes) {
      if (n.get("nodeId").asText().equals(id)) {
        return n.get("containers").asInt();
      }
    }
    return 0;
  }

  private void awaitNodes(String what, Predicate<Set<String>> condition, Duration within)
      throws Exception {
    awaitNodeState(
        what,
        nodes -> {
          Set<String> ids = new java.util.HashSet<>();
          nodes.forEach(n -> ids.add(n.get("nodeId").asText()));
          return condition.test(ids);
        },
        within,
        null);
  }

  private JsonNode awaitNodeState(
      String what, Predicate<JsonNode> condition, Duration within, Load load) throws Exception {
    Instant deadline = Instant.now().plus(within);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = nodes();
      if (condition.test(last)) {
        return last;
      }
      if (load != null && !load.failures().isEmpty()) {
        break;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "waited for "
            + what
            + "; GET /v1/nodes: "
            + last
            + (load == null ? "" : "; failed calls: " + load.failures()));
  }

  private Process startControlPlane(Path dir, int port, Path log) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(java(), "-jar", KilnProcess.JAR.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("KILN_DATA_DIR", dir.toString());
    pb.environment().put("KILN_HTTP_PORT", Integer.toString(port));
    pb.environment().put("KILN_HTTP_HOST", "127.0.0.1");
    pb.environment().put("KILN_ROLES", "gateway,scheduler,builder,registry");
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private Process startNode(Path dir, int port) throws IOException {
    Process p =
        new ProcessBuilder(
                java(),
                "-Dsun.net.httpserver.nodelay=true",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.kiln.node.agent.NodeMain",
                "--data-dir",
                dir.toString(),
                "--listen",
                "127.0.0.1:" + port,
                "--join",
                base,
                "--key",
                admin,
                "--memory",
                "256")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node.log").toFile()))
            .start();
    processes.add(p);
    return p;
  }

  private static String awaitNodeId(Path dir, Process node) throws Exception {
    Path log = dir.resolve("node.log");
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      if (!node.isAlive()) {
        throw new AssertionError("kiln node exited " + node.exitValue() + ":\n" + read(log));
      }
      if (read(log).contains(" kiln node: joined ")) {
        return Files.readString(dir.resolve("node-id")).strip();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("kiln node did not join in 60 s:\n" + read(log));
  }

  private void awaitReady(Process p, Path log) throws Exception {
    Instant deadline = Instant.now().plusSeconds(120);
    while (Instant.now().isBefore(deadline)) {
      if (!p.isAlive()) {
        throw new AssertionError("kiln exited " + p.exitValue() + ":\n" + read(log));
      }
      try {
        HttpResponse<String> r =
            send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Still starting.
      }
      Thread.sleep(250);
    }
    throw new AssertionError("kiln did not become ready in 120 s:\n" + read(log));
  }

  private static byte[] archive() throws IOException {
    return Archives.create()
        .file("kiln.yaml", Files.readString(EXAMPLE.resolve("kiln.yaml")))
        .file("handler.py", Files.readString(EXAMPLE.resolve("handler.py")))
        .bytes();
  }

  /** Short: container sockets live under a node's data directory (107-byte socket paths). */
  private Path shortDir() throws IOException {
    Path dir = KilnTestResources.shortTempDir();
    dirs.add(dir);
    return dir;
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void requireRootAndRunc() {
    boolean root = "root".equals(System.getProperty("user.name"));
    boolean runc =
        Stream.of("/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc", "/sbin/runc")
            .anyMatch(p -> Files.isExecutable(Path.of(p)));
    String reason = !root ? "containers need root" : "runc is not installed (apt-get install runc)";
    Tools.require(root && runc, reason);
  }
}
