package dev.kiln.node.agent;

import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.NodeApi;
import dev.kiln.common.node.NodeException;
import dev.kiln.common.node.StartRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Serves a {@link NodeApi} as the node agent's HTTP API ({@code docs/node-agent.md}), independent
 * of any HTTP server: the caller turns its request into an {@link AgentRequest} and sends back the
 * {@link AgentResponse}. {@link NodeAgentServer} does that on the JDK's HTTP server; the gateway
 * mounts it on its own. Thread-safe when the node is.
 *
 * <p>Failures become JSON problems {@code {"error": "...", "status": N}}: a {@link NodeException}
 * keeps its status, bad input ({@link IllegalArgumentException}) is 400, an unknown path 404, a
 * wrong method 405, an oversized body 413, a missing or wrong token 401.
 */
public final class NodeAgentHandler {

  /** Largest invocation body accepted: 6 MiB, as for a synchronous call of a function. */
  public static final int MAX_INVOKE_BODY = 6 * 1024 * 1024;

  /** Largest JSON body accepted. */
  public static final int MAX_JSON_BODY = 1024 * 1024;

  /** Log bytes returned when {@code maxBytes} is not given. */
  public static final int DEFAULT_LOG_BYTES = 64 * 1024;

  /** Most log bytes one request may ask for. */
  public static final int MAX_LOG_BYTES = 1024 * 1024;

  private final NodeApi node;
  private final byte[] expectedAuthorization;

  /** Serves {@code node} to anyone who can reach it (a loopback address, a trusted network). */
  public NodeAgentHandler(NodeApi node) {
    this(node, Optional.empty());
  }

  /**
   * Serves {@code node}; when {@code token} is present, only to requests with {@code Authorization:
   * Bearer <token>}.
   */
  public NodeAgentHandler(NodeApi node, Optional<String> token) {
    this.node = node;
    this.expectedAuthorization =
        token
            .filter(t -> !t.isBlank())
            .map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8))
            .orElse(null);
  }

  /** Answers one request. Never throws: failures become JSON problems. */
  public AgentResponse handle(AgentRequest request) {
    try {
      authorize(request);
      AgentRoute route = AgentRoute.parse(request.method(), request.rawPath());
      return switch (route.endpoint()) {
        case NODE -> ok(node.info());
        case IMAGES -> ok(node.ensureImage(AgentJson.readImageRequest(jsonBody(request))));
        case CONTAINERS_LIST -> ok(node.containers());
        case CONTAINERS_START -> start(request);
        case CONTAINER_STOP -> stop(route.containerId());
        case CONTAINER_STATS -> ok(node.stats(route.containerId()));
        case CONTAINER_LOGS -> logs(route.containerId(), request);
        case CONTAINER_INVOKE -> invoke(route.containerId(), request);
        case STEM_CELLS -> ok(node.stemCells());
      };
    } catch (AgentError e) {
      AgentResponse problem = problem(e.status(), e.getMessage());
      Map<String, List<String>> headers = new LinkedHashMap<>(problem.headers());
      e.headers().forEach((k, v) -> headers.put(k, List.of(v)));
      return new AgentResponse(problem.status(), headers, problem.body());
    } catch (NodeException e) {
      int status = e.status() >= 400 && e.status() <= 599 ? e.status() : 500;
      return problem(status, e.getMessage());
    } catch (IllegalArgumentException e) {
      return problem(400, e.getMessage());
    } catch (IOException e) {
      return problem(400, "cannot read the request body: " + e.getMessage());
    } catch (RuntimeException e) {
      return problem(
          500, "node agent failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private AgentResponse start(AgentRequest request) throws AgentError, IOException {
    StartRequest start = AgentJson.read(jsonBody(request), StartRequest.class, "start request");
    ContainerInfo started = node.start(start);
    return AgentResponse.json(201, AgentJson.write(started));
  }

  private AgentResponse stop(String containerId) {
    node.stop(containerId);
    return new AgentResponse(204, Map.of(), null);
  }

  private AgentResponse logs(String containerId, AgentRequest request) {
    int maxBytes = DEFAULT_LOG_BYTES;
    Optional<String> param = request.queryParam("maxBytes");
    if (param.isPresent()) {
      try {
        maxBytes = Integer.parseInt(param.get());
      } catch (NumberFormatException e) {
        maxBytes = -1;
      }
      if (maxBytes < 1 || maxBytes > MAX_LOG_BYTES) {
        throw new IllegalArgumentException(
            "maxBytes must be a whole number from 1 to "
                + MAX_LOG_BYTES
                + ", got '"
                + param.get()
                + "'");
      }
    }
    String logs = node.logs(containerId, maxBytes);
    return new AgentResponse(
        200,
        Map.of("Content-Type", List.of("text/plain; charset=utf-8")),
        logs == null ? null : logs.getBytes(StandardCharsets.UTF_8));
  }

  private AgentResponse invoke(String containerId, AgentRequest request)
      throws AgentError, IOException {
    byte[] body = body(request, MAX_INVOKE_BODY, "an invocation");
    Invocation invocation = InvokeWire.readInvocation(request.headers(), body);
    return InvokeWire.writeResult(node.invoke(containerId, invocation));
  }

  private void authorize(AgentRequest request) throws AgentError {
    if (expectedAuthorization == null) {
      return;
    }
    Optional<String> given = request.header("Authorization");
    // Constant time, so the comparison does not reveal how much of a guess was right.
    if (given.isEmpty()
        || !MessageDigest.isEqual(
            expectedAuthorization, given.get().trim().getBytes(StandardCharsets.UTF_8))) {
      throw new AgentError(
          401,
          given.isEmpty()
              ? "this node needs a token: send 'Authorization: Bearer <token>'"
              : "wrong token for this node",
          Map.of("WWW-Authenticate", "Bearer realm=\"kiln-node\""));
    }
  }

  private static byte[] jsonBody(AgentRequest request) throws AgentError, IOException {
    return body(request, MAX_JSON_BODY, "a JSON request");
  }

  /** Reads the body, refusing it unread when its declared length is over the limit. */
  private static byte[] body(AgentRequest request, int limit, String what)
      throws AgentError, IOException {
    AgentError tooLarge =
        new AgentError(
            413,
            "request body is larger than the node agent's limit of "
                + (limit / (1024 * 1024))
                + " MiB for "
                + what);
    Optional<String> declared = request.header("Content-Length");
    if (declared.isPresent()) {
      try {
        if (Long.parseLong(declared.get().trim()) > limit) {
          throw tooLarge;
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Content-Length '" + declared.get() + "' is not a number");
      }
    }
    InputStream in = request.body();
    byte[] body = in.readNBytes(limit + 1);
    if (body.length > limit) {
      throw tooLarge;
    }
    return body;
  }

  private static AgentResponse ok(Object value) {
    return AgentResponse.json(200, AgentJson.write(value));
  }

  private static AgentResponse problem(int status, String message) {
    return AgentResponse.json(status, AgentJson.problem(status, message));
  }
}
