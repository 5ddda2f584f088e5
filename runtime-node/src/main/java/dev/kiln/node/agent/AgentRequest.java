package dev.kiln.node.agent;

import dev.kiln.common.http.FieldMaps;
import dev.kiln.common.http.QueryStrings;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
    headers = FieldMaps.copyOf(headers);
    body = body == null ? InputStream.nullInputStream() : body;
  }

  /** The first value of a header. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(FieldMaps.first(headers, name));
  }

  /** The first value of a query parameter, decoded. */
  public Optional<String> queryParam(String name) {
    return QueryStrings.first(rawQuery, name);
  }
}
