package dev.kiln.gateway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application ({@code quarkus-run.jar}, as {@code ./kiln up} runs it) in a child
 * process, for tests that restart or kill it.
 */
public final class KilnProcess {
  /** The application, as {@code mvn package} leaves it. */
  public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private KilnProcess() {}

  /**
   * Starts it on {@code 127.0.0.1:port} with {@code data} as its data directory and its output in
   * {@code log}; {@code env} adds or overrides variables (roles, database, settings).
   */
  public static Process start(Path data, int port, Path log, Map<String, String> env)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("KILN_DATA_DIR", data.toString());
    pb.environment().put("KILN_HTTP_PORT", Integer.toString(port));
    pb.environment().put("KILN_HTTP_HOST", "127.0.0.1");
    pb.environment().putAll(env);
    return pb.start();
  }

  /**
   * Waits until {@code base/q/health/ready} answers 200; fails with the log when the process exits
   * first or after 90 s.
   */
  public static void awaitReady(Process p, String base, Path log) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      if (!p.isAlive()) {
        throw new AssertionError("kiln exited " + p.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Still starting.
      }
      Thread.sleep(250);
    }
    throw new AssertionError("kiln did not become ready in 90 s:\n" + Files.readString(log));
  }

  /** SIGTERM, then SIGKILL if it has not exited within a minute. */
  public static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }
}
