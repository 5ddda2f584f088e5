package dev.kiln.node.agent;

import java.util.Map;

/**
 * A request the agent refuses before it reaches the node: unknown route, wrong method, body too
 * large, missing token. The handler answers it as a JSON problem with {@code headers} added.
 */
final class AgentError extends Exception {
  private final int status;
  private final Map<String, String> headers;

  AgentError(int status, String message) {
    this(status, message, Map.of());
  }

  AgentError(int status, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.headers = Map.copyOf(headers);
  }

  int status() {
    return status;
  }

  Map<String, String> headers() {
    return headers;
  }
}
