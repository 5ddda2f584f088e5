package dev.kiln.image.registry;

import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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
    TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      headers.forEach((k, v) -> h.merge(k, List.copyOf(v), RegistryRequest::concat));
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
    if (query == null || query.isEmpty()) {
      return Optional.empty();
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (decode(key).equals(name)) {
        return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return Optional.empty();
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return s;
    }
  }
}
