package dev.kiln.common.node;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One call of a function, as forwarded to its container over the function protocol.
 *
 * @param id invocation id ({@code X-Kiln-Invocation-Id})
 * @param method HTTP method
 * @param path path below the function's route, starting with {@code /}
 * @param query raw query string without {@code ?}, or empty
 * @param headers request headers to pass on
 * @param body request body
 * @param deadline when the call must have answered ({@code X-Kiln-Deadline})
 */
public record Invocation(
    String id,
    String method,
    String path,
    String query,
    Map<String, List<String>> headers,
    byte[] body,
    Instant deadline) {

  public Invocation {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("an invocation needs an id");
    }
    if (method == null || !method.matches("[A-Z]{1,16}")) {
      throw new IllegalArgumentException("invalid HTTP method '" + method + "'");
    }
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("invocation path must start with '/', got '" + path + "'");
    }
    if (deadline == null) {
      throw new IllegalArgumentException("an invocation needs a deadline");
    }
    query = query == null ? "" : query;
    TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
    }
    headers = java.util.Collections.unmodifiableMap(h);
    body = body == null ? new byte[0] : body;
  }
}
