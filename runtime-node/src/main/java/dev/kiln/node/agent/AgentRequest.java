package dev.kiln.node.agent;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A request to the node agent API, independent of any HTTP server.
 *
 * @param method the HTTP method, e.g. {@code POST}
 * @param rawPath the path as sent, still percent-encoded ({@code /v1/containers/c%2F1/invoke}):
 *     container ids are decoded segment by segment
 * @param rawQuery the query string without {@code ?}, still percent-encoded, or null
 * @param headers request headers; names are matched case-insensitively
 * @param body the request body (empty when there is none); the handler reads at most its limit, the
 *     caller closes it
 */
public record AgentRequest(
    String method,
    String rawPath,
    String rawQuery,
    Map<String, List<String>> headers,
    InputStream body) {

  public AgentRequest {
    if (method == null || rawPath == null) {
      throw new IllegalArgumentException("a request needs a method and a path");
    }
    method = method.toUpperCase(Locale.ROOT);
    TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      headers.forEach((k, v) -> h.merge(k, List.copyOf(v), AgentRequest::concat));
    }
    headers = Collections.unmodifiableMap(h);
    body = body == null ? InputStream.nullInputStream() : body;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  /** The first value of a header. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The first value of a query parameter, decoded. */
  public Optional<String> queryParam(String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return Optional.empty();
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (Escapes.decode(key.replace('+', ' ')).equals(name)) {
        return Optional.of(eq < 0 ? "" : Escapes.decode(pair.substring(eq + 1).replace('+', ' ')));
      }
    }
    return Optional.empty();
  }
}
