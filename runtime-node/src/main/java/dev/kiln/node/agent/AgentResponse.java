package dev.kiln.node.agent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An answer of the node agent API, independent of any HTTP server.
 *
 * @param status the HTTP status
 * @param headers response headers, each with one or more values, in the order to send them
 * @param body what to send; empty for none
 */
public record AgentResponse(int status, Map<String, List<String>> headers, byte[] body) {

  /** Content type of JSON answers. */
  public static final String JSON = "application/json";

  public AgentResponse {
    LinkedHashMap<String, List<String>> h = new LinkedHashMap<>();
    if (headers != null) {
      headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
    }
    headers = Collections.unmodifiableMap(h);
    body = body == null ? new byte[0] : body;
  }

  /** A JSON answer. */
  static AgentResponse json(int status, byte[] json) {
    return new AgentResponse(status, Map.of("Content-Type", List.of(JSON)), json);
  }

  /** The first value of a header, matching the name case-insensitively; null if absent. */
  public String header(String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }
}
