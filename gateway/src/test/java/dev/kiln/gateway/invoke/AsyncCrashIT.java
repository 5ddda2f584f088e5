package dev.kiln.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.gateway.boot.Prerequisites;
import dev.kiln.gateway.testing.Archives;
import dev.kiln.gateway.testing.KilnProcess;
import dev.kiln.gateway.testing.KilnTestResources;
import dev.kiln.image.testing.Tools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kills the packaged application ({@code kill -9}) while it works through 1,000 asynchronous
 * invocations, starts it again on the same data directory, and checks that every invocation ends
 * succeeded: none lost, the interrupted ones run again. Needs root (runc), like {@code kiln up}.
 */
class AsyncCrashIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final int COUNT = 1000;

  final HttpClient http = HttpClient.newHttpClient();
  Path data;
  Process current;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyAsyncInvocationSucceedsAcrossAKill9() throws Exception {
    Tools.require(Prerequisites.system().isRoot(), "function containers need root (runc)");
    data = KilnTestResources.shortTempDir();
    int port = Tools.freePort();
    String base = "http://127.0.0.1:" + port;

    current = start(port, data.resolve("first.log"));
    awaitReady(base, data.resolve("first.log"));
    String admin = JSON.readTree(data.resolve("cli.json").toFile()).get("key").asText();
    byte[] archive = Archives.of(Path.of("..", "examples", "hello-python"));
    HttpResponse<String> deployed =
        http.send(
            request(base + "/v1/functions?maxScale=4", admin)
                .header("Content-Type", "application/gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(archive))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);

    List<String> ids = submit(base, admin);
    assertThat(ids).hasSize(COUNT).doesNotHaveDuplicates();

    Instant until = Instant.now().plusSeconds(120);
    int succeeded = 0;
    while (succeeded < COUNT / 4 && Instant.now().isBefore(until)) {
      succeeded = count(base, admin, "succeeded");
      Thread.sleep(50);
    }
    assertThat(succeeded).as("succeeded before the kill").isBetween(1, COUNT - 1);
    current.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    // The embedded PostgreSQL outlives the kill; the next start must deal with it itself.

    current = start(port, data.resolve("second.log"));
    awaitReady(base, data.resolve("second.log"));
    until = Instant.now().plusSeconds(180);
    while (count(base, admin, "succeeded") < COUNT && Instant.now().isBefore(until)) {
      Thread.sleep(500);
    }
    JsonNode all =
        JSON.readTree(get(base + "/v1/invocations?function=hello-python&limit=1000", admin));
    assertThat(all).hasSize(COUNT);
    int retried = 0;
    for (JsonNode inv : all) {
      assertThat(inv.get("status").asText()).as(inv.toString()).isEqualTo("succeeded");
      assertThat(inv.get("attempts").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(inv.get("result").get("body").asText()).startsWith("Hello, n");
      if (inv.get("attempts").asInt() > 1) {
        retried++;
      }
    }
    assertThat(retried).as("invocations interrupted by the kill and run again").isPositive();
    System.out.printf("AsyncCrashIT: %d succeeded, %d run more than once%n", COUNT, retried);
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (current != null) {
      KilnProcess.stop(current);
    }
    if (data != null) {
      stopOrphanedPostgres();
      try (Stream<Path> walk = Files.walk(data)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private List<String> submit(String base, String admin) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    Semaphore inFlight = new Semaphore(32);
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      inFlight.acquire();
      futures.add(
          http.sendAsync(
                  request(base + "/async/fn/hello-python?name=n" + i, admin)
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .whenComplete((r, e) -> inFlight.release())
              .thenApply(
                  r -> {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                    try {
                      return JSON.readTree(r.body()).get("id").asText();
                    } catch (IOException e) {
                      throw new IllegalStateException(e);
                    }
                  }));
    }
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<String> f : futures) {
      ids.add(f.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();
    return ids;
  }

  private int count(String base, String admin, String status) throws Exception {
    return JSON.readTree(
            get(
                base + "/v1/invocations?status=" + status + "&function=hello-python&limit=1000",
                admin))
        .size();
  }

  /** kill -9 leaves the embedded PostgreSQL running; stop it by the pid it wrote. */
  private void stopOrphanedPostgres() throws Exception {
    Path pidFile = data.resolve("postgres").resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
    var handle = ProcessHandle.of(pid);
    if (handle.isPresent()) {
      handle.get().destroy();
      handle.get().onExit().get(30, TimeUnit.SECONDS);
    }
  }

  private Process start(int port, Path log) throws IOException {
    return KilnProcess.start(
        data,
        port,
        log,
        Map.of(
            "KILN_ROLES",
            "all",
            "KILN_NODE_STEM_CELLS",
            "0",
            // A short lease, so the second process takes the first one's invocations again quickly.
            "KILN_ASYNC_LEASE",
            "3s"));
  }

  private void awaitReady(String base, Path log) throws Exception {
    KilnProcess.awaitReady(current, base, log);
  }

  private static HttpRequest.Builder request(String url, String key) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key);
  }

  private String get(String url, String key) throws Exception {
    HttpResponse<String> r =
        http.send(request(url, key).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }
}
