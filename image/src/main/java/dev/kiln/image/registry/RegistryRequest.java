package dev.kiln.image.registry;

import dev.kiln.common.http.FieldMaps;
import dev.kiln.common.http.QueryStrings;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request to the registry API, independent of any HTTP server.
 *
 * @param method the HTTP method, e.g. {@code GET}
 * @param path the decoded path, e.g. {@code /v2/fn/hello/manifests/1}
 * @param query the raw (still percent-encoded) query string without {@code ?}, or null
 * @param headers request headers; names are matched case-insensitively
 * @param body the request body (empty when there is none); the handler reads it, the caller closes
 *     it
 */
public record RegistryRequest(
    String method, String path, String query, Map<String, List<String>> headers, InputStream body) {

  public RegistryRequest {
    if (method == null || path == null) {
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
    return QueryStrings.first(query, name);
  }
}
