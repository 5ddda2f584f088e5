package dev.kiln.node.agent;

import dev.kiln.common.node.NodeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * HTTP to one node agent: adds the token, bounds every call by a timeout and the answer's size, and
 * turns transport failures into {@link NodeException}s that say which node, what went wrong and
 * what Kiln was doing. A node that cannot be reached is 503; one that was reached but did not
 * answer properly (reset, no answer in time, garbage) is 502. Thread-safe.
 */
final class AgentTransport {

  /** An answer from the agent, whatever its status. */
  record Answer(int status, Map<String, List<String>> headers, byte[] body) {}

  /**
   * Slack on top of a call's timeout before the caller gives up on its own, for when the client's
   * timeout does not cover reading the body.
   */
  private static final Duration HARD_STOP_SLACK = Duration.ofMillis(250);

  private final HttpClient http;
  private final String base;
  private final String authorization;
  private final Duration connectTimeout;
  private final long maxAnswerBytes;

  AgentTransport(URI baseUrl, String token, Duration connectTimeout, long maxAnswerBytes) {
    String s = baseUrl.toString();
    this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    this.authorization = token == null || token.isBlank() ? null : "Bearer " + token;
    this.connectTimeout = connectTimeout;
    this.maxAnswerBytes = maxAnswerBytes;
    this.http =
        HttpClient.newBuilder()
            // HTTP/1.1 on purpose: no h2c upgrade attempt on every new connection.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The agent's base URL, without a trailing slash. */
  String base() {
    return base;
  }

  /**
   * Sends one request and waits at most {@code timeout} for the whole answer.
   *
   * @param path absolute path below the base URL, already escaped
   * @param doing what the call is for, for messages: {@code "invoking container c1"}
   * @throws NodeException when the node cannot be reached or does not answer in time
   */
  Answer send(
      String method,
      String path,
      Consumer<HttpRequest.Builder> headers,
      byte[] body,
      Duration timeout,
      String doing) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    headers.accept(b);
    CompletableFuture<HttpResponse<byte[]>> call =
        http.sendAsync(b.build(), BoundedBody.handler(maxAnswerBytes));
    try {
      HttpResponse<byte[]> r =
          call.get(timeout.plus(HARD_STOP_SLACK).toMillis(), TimeUnit.MILLISECONDS);
      return new Answer(r.statusCode(), r.headers().map(), r.body());
    } catch (TimeoutException e) {
      call.cancel(true);
      throw failure(502, "no answer within " + seconds(timeout), doing, e);
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw failure(503, "interrupted", doing, e);
    } catch (ExecutionException e) {
      throw translate(e.getCause() == null ? e : e.getCause(), timeout, doing);
    }
  }

  /** A failure of this node. */
  NodeException failure(int status, String what, String doing, Throwable cause) {
    return new NodeException(status, "node " + base + ": " + what + " while " + doing, cause);
  }

  private RuntimeException translate(Throwable e, Duration timeout, String doing) {
    if (e instanceof IllegalArgumentException bad) {
      // A header value HTTP cannot carry: the caller's input, not the node.
      return bad;
    }
    if (e instanceof HttpConnectTimeoutException) {
      return failure(503, "cannot connect within " + seconds(connectTimeout), doing, e);
    }
    if (e instanceof HttpTimeoutException) {
      return failure(502, "no answer within " + seconds(timeout), doing, e);
    }
    if (e instanceof BoundedBody.TooLargeException) {
      return failure(502, e.getMessage(), doing, e);
    }
    if (e instanceof ConnectException) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return failure(
          503,
          root instanceof UnresolvedAddressException ? "unknown host" : "connection refused",
          doing,
          e);
    }
    if (e instanceof ClosedChannelException) {
      return failure(502, "connection closed before the answer", doing, e);
    }
    if (e instanceof IOException) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return failure(502, "connection failed (" + message + ")", doing, e);
    }
    return failure(502, "request failed (" + e + ")", doing, e);
  }

  private static String seconds(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }
}
