package dev.kiln.gateway.invoke;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.gateway.boot.Prerequisites;
import dev.kiln.gateway.testing.Api;
import dev.kiln.gateway.testing.Archives;
import dev.kiln.gateway.testing.KilnTestResources;
import dev.kiln.image.testing.Tools;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Invocations through the gateway, the scheduler and the real in-process node engine (runc
 * containers): needs root, and skips without it unless {@code CI=true}.
 */
@QuarkusTest
@WithTestResource(value = KilnTestResources.class, scope = TestResourceScope.MATCHING_RESOURCES)
class InvokeTest {

  static final Path EXAMPLES = Path.of("..", "examples");
  static final Set<String> DEPLOYED = new HashSet<>();

  static final String ECHO =
      String.join(
          "\n",
          "import time",
          "from urllib.parse import parse_qs",
          "",
          "def handle(request):",
          "    if request.path.startswith('/fail'):",
          "        raise ValueError('boom at ' + request.path)",
          "    if request.path.startswith('/sleep'):",
          "        time.sleep(float(parse_qs(request.query).get('s', ['1'])[0]))",
          "    return {'status': 201, 'headers': {'X-Echo': 'yes'}, 'body': {",
          "        'method': request.method, 'path': request.path, 'query': request.query,",
          "        'headers': request.headers, 'body': request.text()}}",
          "");

  @BeforeEach
  void needsRoot() {
    Tools.require(Prerequisites.system().isRoot(), "function containers need root (runc)");
  }

  static synchronized void deploy(String name, String handler, String timeout, String query) {
    if (!DEPLOYED.add(name)) {
      return;
    }
    byte[] archive =
        Archives.create()
            .file(
                "kiln.yaml",
                Archives.pythonSpec(name) + (timeout == null ? "" : "timeout: " + timeout + "\n"))
            .file("handler.py", handler)
            .bytes();
    var r = Api.admin().contentType("application/gzip").body(archive);
    r.post("/v1/functions" + (query == null ? "" : "?" + query)).then().statusCode(201);
  }

  static synchronized void deployHello() {
    if (DEPLOYED.add("hello-python")) {
      Api.deploy(Archives.of(EXAMPLES.resolve("hello-python")), null).then().statusCode(201);
    }
  }

  @Test
  void helloPythonGreetsWithAnInvokeKeyAndRefusesWithoutOne() {
    deployHello();
    String invoke = Api.newKey("invoker", "invoke");
    Api.as(invoke)
        .get("/fn/hello-python?name=X")
        .then()
        .statusCode(200)
        .header("X-Kiln-Invocation-Id", notNullValue())
        .body(equalTo("Hello, X!"));
    given()
        .get("/fn/hello-python?name=X")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("detail", containsString("is not public"));
    given().get("/fn/no-such-function").then().statusCode(404);
  }

  @Test
  void aPublicFunctionNeedsNoKey() {
    deploy("open", ECHO, null, null);
    setPublic("open", true);
    given().get("/fn/open/x").then().statusCode(201);

    // Back to key-protected: the very next call sees it, although warm calls do not ask the
    // database for the function.
    setPublic("open", false);
    given().get("/fn/open/x").then().statusCode(401);
  }

  private static void setPublic(String function, boolean value) {
    Api.admin()
        .contentType("application/json")
        .body(Map.of("public", value))
        .patch("/v1/functions/" + function)
        .then()
        .statusCode(200);
  }

  @Test
  void eachCallSaysWhetherItWasColdAndHowTheContainerStarted() {
    deploy("starts", ECHO, null, null);

    String first =
        Api.admin().get("/fn/starts/1").then().statusCode(201).extract().header("X-Kiln-Start");
    String second =
        Api.admin().get("/fn/starts/2").then().statusCode(201).extract().header("X-Kiln-Start");

    assertThat(first).isIn("stem-cell", "fresh");
    assertThat(second).isEqualTo("warm");
    List<String> starts =
        Api.admin().get("/v1/functions/starts/invocations").jsonPath().getList("start");
    assertThat(starts).containsExactly("warm", first);
  }

  @Test
  void methodPathQueryHeadersAndBodyPassThrough() {
    deploy("echo", ECHO, null, null);
    JsonPath echo =
        Api.admin()
            .urlEncodingEnabled(false)
            .header("X-Custom", "42")
            .contentType("text/plain")
            .body("payload")
            .put("/fn/echo/a/b?x=1&y=%20")
            .then()
            .statusCode(201)
            .header("X-Echo", "yes")
            .extract()
            .jsonPath();
    assertThat(echo.getString("method")).isEqualTo("PUT");
    assertThat(echo.getString("path")).isEqualTo("/a/b");
    assertThat(echo.getString("query")).isEqualTo("x=1&y=%20");
    assertThat(echo.getString("body")).isEqualTo("payload");
    assertThat(echo.getString("headers.x-custom")).isEqualTo("42");
    assertThat(echo.getMap("headers")).doesNotContainKey("authorization");
  }

  @Test
  void aFunctionThatRaisesAnswers500WithXKilnError() {
    deploy("echo", ECHO, null, null);
    Api.admin()
        .get("/fn/echo/fail")
        .then()
        .statusCode(500)
        .header("X-Kiln-Error", "function")
        .body(containsString("boom at /fail"));
  }

  @Test
  void aFunctionPastItsTimeoutAnswers504() {
    deploy("slow", ECHO, "2s", null);
    Api.admin()
        .get("/fn/slow/sleep?s=5")
        .then()
        .statusCode(504)
        .contentType("application/problem+json")
        .body("detail", containsString("function 'slow' exceeded its deadline of 2s"));
  }

  @Test
  void anAsyncInvocationIsQueuedThenSucceeds() throws InterruptedException {
    deployHello();
    Response accepted = Api.admin().body("Async").post("/async/fn/hello-python");
    accepted.then().statusCode(202).body("status", equalTo("queued"));
    String location = accepted.header("Location");
    assertThat(location).contains("/v1/invocations/");
    JsonPath done = await(location, "succeeded", Duration.ofSeconds(60));
    assertThat(done.getInt("attempts")).isEqualTo(1);
    assertThat(done.getInt("result.status")).isEqualTo(200);
    assertThat(done.getString("result.body")).isEqualTo("Hello, Async!");

    // Prefer: respond-async on /fn/ does the same.
    Response preferred =
        Api.admin().header("Prefer", "respond-async").get("/fn/hello-python?name=P");
    preferred.then().statusCode(202);
    assertThat(
            await(preferred.header("Location"), "succeeded", Duration.ofSeconds(60))
                .getString("result.body"))
        .isEqualTo("Hello, P!");
  }

  @Test
  void anAsyncResultIsPostedToItsCallbackAndTheDeliveryRecorded() throws Exception {
    deployHello();
    BlockingQueue<String[]> received = new LinkedBlockingQueue<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/done",
        exchange -> {
          String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
          received.add(
              new String[] {
                exchange.getRequestMethod(),
                exchange.getRequestHeaders().getFirst("X-Kiln-Invocation-Id"),
                body
              });
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    try {
      String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/done";
      Response accepted =
          Api.admin()
              .header("X-Kiln-Callback", url)
              .body("Callback")
              .post("/async/fn/hello-python");
      accepted.then().statusCode(202);
      String id = accepted.jsonPath().getString("id");

      String[] post = received.poll(60, TimeUnit.SECONDS);

      assertThat(post).as("a POST to the callback URL within 60 s").isNotNull();
      assertThat(post[0]).isEqualTo("POST");
      assertThat(post[1]).isEqualTo(id);
      JsonPath sent = new JsonPath(post[2]);
      assertThat(sent.getString("status")).isEqualTo("succeeded");
      assertThat(sent.getString("result.body")).isEqualTo("Hello, Callback!");
      Instant deadline = Instant.now().plusSeconds(10);
      String status = null;
      while (Instant.now().isBefore(deadline)) {
        status =
            Api.admin().get(accepted.header("Location")).jsonPath().getString("callback.status");
        if (status != null) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(status).startsWith("delivered: HTTP 204");
    } finally {
      receiver.stop(0);
    }

    // A receiver that is not there: the invocation still succeeds and says the callback failed.
    Response orphan =
        Api.admin()
            .header("X-Kiln-Callback", "http://127.0.0.1:1/nobody")
            .body("Nobody")
            .post("/async/fn/hello-python");
    JsonPath done = await(orphan.header("Location"), "succeeded", Duration.ofSeconds(60));
    Instant deadline = Instant.now().plusSeconds(30);
    String status = done.getString("callback.status");
    while (status == null && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
      status = Api.admin().get(orphan.header("Location")).jsonPath().getString("callback.status");
    }
    assertThat(status).startsWith("not delivered");
  }

  @Test
  void aFailingAsyncInvocationIsRetriedThenKeptAsFailed() throws InterruptedException {
    deploy("echo", ECHO, null, null);
    Response accepted = Api.admin().post("/async/fn/echo/fail");
    accepted.then().statusCode(202);
    JsonPath failed = await(accepted.header("Location"), "failed", Duration.ofSeconds(60));
    assertThat(failed.getInt("attempts")).isEqualTo(3);
    assertThat(failed.getString("error")).contains("attempt 3 of 3").contains("boom at /fail");
    assertThat(failed.getInt("result.status")).isEqualTo(500);
    List<String> ids =
        Api.admin()
            .get("/v1/invocations?status=failed&function=echo")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("id");
    assertThat(accepted.header("Location")).endsWith(ids.get(0));
  }

  @Test
  void twentyConcurrentCallsUseAtMostMaxScaleContainersThenScaleToZero() throws Exception {
    deploy("sleepy", ECHO, null, "concurrency=1&maxScale=4&keepAliveSeconds=3");
    Api.admin()
        .get("/v1/functions/sleepy")
        .then()
        .body("scaling.maxScale", equalTo(4))
        .body("scaling.keepAliveSeconds", equalTo(3));
    String key = Api.adminKey();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger most = new AtomicInteger();
    Thread watcher =
        new Thread(
            () -> {
              while (running.get()) {
                JsonPath cluster = Api.admin().get("/v1/cluster").jsonPath();
                Map<String, Object> f = sleepy(cluster);
                if (f != null) {
                  int n =
                      (Integer) f.get("starting")
                          + (Integer) f.get("idle")
                          + (Integer) f.get("busy");
                  most.accumulateAndGet(n, Math::max);
                }
              }
            });
    watcher.start();
    ExecutorService pool = Executors.newFixedThreadPool(20);
    List<Future<Response>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(
          pool.submit(() -> Api.as(key).get("/fn/sleepy/sleep?s=0.3").then().extract().response()));
    }
    int ok = 0;
    for (Future<Response> call : calls) {
      Response r = call.get();
      if (r.statusCode() == 429) {
        assertThat(r.header("Retry-After")).isNotNull();
      } else {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        ok++;
      }
    }
    running.set(false);
    watcher.join();
    pool.shutdown();
    assertThat(ok).isPositive();
    assertThat(most.get()).isBetween(1, 4);
    assertThat(Api.admin().get("/v1/functions/sleepy/invocations").jsonPath().getList("id"))
        .hasSizeGreaterThanOrEqualTo(ok);

    Instant deadline = Instant.now().plusSeconds(30);
    Map<String, Object> f = sleepy(Api.admin().get("/v1/cluster").jsonPath());
    while (Instant.now().isBefore(deadline)
        && ((Integer) f.get("idle") + (Integer) f.get("busy") + (Integer) f.get("starting")) > 0) {
      Thread.sleep(250);
      f = sleepy(Api.admin().get("/v1/cluster").jsonPath());
    }
    assertThat(f).containsEntry("idle", 0).containsEntry("busy", 0).containsEntry("starting", 0);
    String metrics = given().get("/q/metrics").asString();
    assertThat(metrics)
        .contains("kiln_invocations_total{function=\"sleepy\",outcome=\"ok\"}")
        .contains("kiln_invocation_seconds_bucket{function=\"sleepy\"")
        .contains("kiln_cold_starts_total{kind=\"fresh\"}")
        .contains("kiln_async_pending");
  }

  @Test
  void kilnInvokePrintsTheAnswerOrQueuesIt() {
    deployHello();
    String[] target = {
      "--url", "http://localhost:" + io.restassured.RestAssured.port, "--key", Api.adminKey()
    };
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int exit =
        dev.kiln.cli.Kiln.run(
            concat(new String[] {"invoke", "hello-python", "-d", "Cli"}, target),
            new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(err, true));
    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo("Hello, Cli!\n");

    out.getBuffer().setLength(0);
    exit =
        dev.kiln.cli.Kiln.run(
            concat(
                new String[] {"invoke", "hello-python", "--path", "/?name=Q", "--async"}, target),
            new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(err, true));
    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("queued ").contains("/v1/invocations/");

    exit =
        dev.kiln.cli.Kiln.run(
            concat(new String[] {"invoke", "no-such-fn"}, target),
            new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(err, true));
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("no-such-fn answered 404");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> sleepy(JsonPath cluster) {
    List<Map<String, Object>> functions = cluster.getList("functions");
    return functions.stream().filter(f -> "sleepy".equals(f.get("name"))).findFirst().orElse(null);
  }

  private static JsonPath await(String location, String status, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    JsonPath last = null;
    while (Instant.now().isBefore(deadline)) {
      last = Api.admin().get(location).then().statusCode(200).extract().jsonPath();
      if (status.equals(last.getString("status"))) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "invocation did not reach " + status + ": " + (last == null ? "" : last.prettify()));
  }
}
