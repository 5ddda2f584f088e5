package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * The control plane's HTTP API as the CLI uses it (java.net.http; the CLI never links the gateway).
 * Failures become exceptions carrying the problem document's {@code detail}.
 */
final class ControlPlane {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String url;
  private final String key;
  private final HttpClient http;

  ControlPlane(ControlPlaneOptions.Target target) {
    this.url = target.url();
    this.key = target.key();
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  String url() {
    return url;
  }

  /** Uploads a function archive, asking for an asynchronous build; returns the 202's body. */
  JsonNode deploy(byte[] archive, String name) throws IOException {
    String path = "/v1/functions" + (name == null ? "" : "?name=" + encode(name));
    return send(
        request(path)
            .header("Content-Type", "application/gzip")
            .header("Prefer", "respond-async")
            .POST(HttpRequest.BodyPublishers.ofByteArray(archive)));
  }

  /** Streams a build's server-sent events to {@code onEvent(name, data)} until the stream ends. */
  void events(String buildId, BiConsumer<String, JsonNode> onEvent) throws IOException {
    HttpRequest req =
        request("/v1/builds/" + buildId + "/events").header("Accept", "text/event-stream").build();
    HttpResponse<InputStream> resp = exchange(req, HttpResponse.BodyHandlers.ofInputStream());
    if (resp.statusCode() / 100 != 2) {
      throw failure(
          resp.statusCode(), new String(resp.body().readAllBytes(), StandardCharsets.UTF_8));
    }
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
      String event = "message";
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            onEvent.accept(event, JSON.readTree(data.toString()));
          }
          event = "message";
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).stripLeading());
        }
      }
    }
  }

  /**
   * Invokes a function: POST with {@code data} as the body, or GET without. The answer comes back
   * whatever its status, for the caller to print.
   */
  HttpResponse<byte[]> invoke(String name, String path, byte[] data, boolean async)
      throws IOException {
    String sub = path == null || path.isEmpty() || path.equals("/") ? "" : path;
    if (!sub.isEmpty() && !sub.startsWith("/")) {
      sub = "/" + sub;
    }
    HttpRequest.Builder b =
        request((async ? "/async/fn/" : "/fn/") + encode(name) + sub)
            .method(
                data == null && !async ? "GET" : "POST",
                data == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(data));
    return exchange(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** GET a JSON document. */
  JsonNode get(String path) throws IOException {
    return send(request(path).GET());
  }

  /** POST a JSON document. */
  JsonNode postJson(String path, Object body) throws IOException {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url + path))
        .header("Authorization", "Bearer " + key)
        .timeout(Duration.ofMinutes(10));
  }

  private JsonNode send(HttpRequest.Builder b) throws IOException {
    HttpResponse<String> resp = exchange(b.build(), HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() / 100 != 2) {
      throw failure(resp.statusCode(), resp.body());
    }
    return resp.body().isEmpty() ? JSON.nullNode() : JSON.readTree(resp.body());
  }

  private <T> HttpResponse<T> exchange(HttpRequest req, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    try {
      return http.send(req, handler);
    } catch (ConnectException e) {
      throw new IOException(
          "cannot reach the control plane at " + url + ": is it running? (./kiln up)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private IOException failure(int status, String body) {
    String detail = body;
    try {
      JsonNode problem = JSON.readTree(body);
      if (problem.hasNonNull("detail")) {
        detail = problem.get("detail").asText();
      }
    } catch (IOException notJson) {
      // Not a problem document: show the body as it came.
    }
    return new IOException("the control plane answered " + status + ": " + detail);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
