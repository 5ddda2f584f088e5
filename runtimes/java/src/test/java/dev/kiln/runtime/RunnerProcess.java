package dev.kiln.runtime;

import dev.kiln.common.http.HttpRequest;
import dev.kiln.common.http.HttpResponse;
import dev.kiln.common.http.UnixHttpClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** A runner started as a host process on a socket in a temporary directory. */
final class RunnerProcess implements AutoCloseable {

  /** Generous: a JVM starting on a busy two-core machine. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final RunnerKind kind;
  private final Process process;
  private final Path socket;
  private final Path stderr;
  private final UnixHttpClient client;

  private RunnerProcess(RunnerKind kind, Process process, Path socket, Path stderr) {
    this.kind = kind;
    this.process = process;
    this.socket = socket;
    this.stderr = stderr;
    this.client = UnixHttpClient.of(socket);
  }

  /**
   * Starts a runner with {@code KILN_SOCKET} in {@code dir} plus {@code env}, and waits for its
   * ready line.
   */
  static RunnerProcess start(RunnerKind kind, Path dir, Map<String, String> env)
      throws IOException, InterruptedException {
    Path socket = dir.resolve("fn.sock");
    Path stderr = dir.resolve(kind.name().toLowerCase() + ".stderr");
    ProcessBuilder builder = new ProcessBuilder(kind.command());
    Map<String, String> environment = new HashMap<>(env);
    environment.put("KILN_SOCKET", socket.toString());
    builder.environment().putAll(environment);
    builder.redirectError(stderr.toFile());
    RunnerProcess runner = new RunnerProcess(kind, builder.start(), socket, stderr);
    try {
      runner.awaitReady();
    } catch (IOException | RuntimeException | InterruptedException e) {
      runner.close();
      throw e;
    }
    return runner;
  }

  private void awaitReady() throws IOException, InterruptedException {
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  if (line.startsWith("kiln-runner ready")) {
                    ready.complete(line);
                  }
                }
              } catch (IOException e) {
                // The process ended; the exit is reported below.
              }
              ready.complete(null);
            },
            "stdout-" + kind);
    reader.setDaemon(true);
    reader.start();
    String line;
    try {
      line = ready.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      line = null;
    }
    if (line == null) {
      throw new IllegalStateException(kind + " runner did not get ready; stderr:\n" + stderr());
    }
    if (!line.equals("kiln-runner ready " + socket)) {
      throw new IllegalStateException(kind + " runner printed an unexpected ready line: " + line);
    }
  }

  Path socket() {
    return socket;
  }

  /** The runner's connection, shared by a test's requests unless it opens its own. */
  UnixHttpClient client() {
    return client;
  }

  HttpResponse send(HttpRequest request) throws IOException {
    return client.send(request, REQUEST_TIMEOUT);
  }

  /** Sends {@code POST /init} for a handler in a code directory, with {@code GREETING=hi}. */
  HttpResponse init(String handler, Path codeDir) throws IOException {
    return init(handler, codeDir, Map.of("GREETING", "hi"));
  }

  /** Sends {@code POST /init} for a handler in a code directory with environment variables. */
  HttpResponse init(String handler, Path codeDir, Map<String, String> env) throws IOException {
    String variables =
        env.entrySet().stream()
            .map(e -> quote(e.getKey()) + ":" + quote(e.getValue()))
            .collect(Collectors.joining(","));
    String body =
        "{\"handler\":"
            + quote(handler)
            + ",\"codeDir\":"
            + quote(codeDir.toString())
            + ",\"env\":{"
            + variables
            + "}}";
    return send(HttpRequest.post("/init", body).header("Content-Type", "application/json"));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  String stderr() {
    try {
      return Files.exists(stderr) ? Files.readString(stderr) : "";
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  /** Stops the runner and whatever it started, forcibly if it does not stop within 5 s. */
  @Override
  public void close() {
    client.close();
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** A response on one line, for assertion messages. */
  static String describe(HttpResponse response) {
    return response.status()
        + " "
        + response.headers().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", "))
        + " "
        + response.bodyAsString();
  }
}
