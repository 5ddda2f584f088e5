package dev.kiln.gateway.invoke;

import dev.kiln.common.node.Invocation;
import dev.kiln.gateway.problem.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Turns an HTTP request to {@code /fn/{name}/...} into an {@link Invocation}: the caller's method,
 * sub-path, raw query and headers (without hop-by-hop headers, RFC 9110 section 7.6.1, and without
 * {@code Authorization}, which is Kiln's), and a body of at most {@code kiln.invoke.max-body-size}.
 */
final class HttpCall {

  /** Headers that belong to one connection or to Kiln, never passed to a function. */
  static final Set<String> DROPPED =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "content-length",
          "host",
          "authorization",
          "prefer",
          "x-kiln-callback");

  private HttpCall() {}

  /** The sub-path of {@code rawPath} below {@code /fn/<name>} or {@code /async/fn/<name>}. */
  static String subPath(String rawPath, String name) {
    int at = rawPath.indexOf("/fn/" + name);
    String rest = at < 0 ? "" : rawPath.substring(at + 4 + name.length());
    return rest.isEmpty() ? "/" : rest;
  }

  /** The headers to pass on. */
  static Map<String, List<String>> headers(Map<String, List<String>> request) {
    Set<String> dropped = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    dropped.addAll(DROPPED);
    // Connection may name more hop-by-hop headers.
    request.forEach(
        (k, v) -> {
          if (k.equalsIgnoreCase("connection")) {
            v.forEach(list -> List.of(list.split(",")).forEach(h -> dropped.add(h.strip())));
          }
        });
    Map<String, List<String>> out = new LinkedHashMap<>();
    request.forEach(
        (k, v) -> {
          if (!dropped.contains(k)) {
            out.put(k.toLowerCase(Locale.ROOT), List.copyOf(v));
          }
        });
    return out;
  }

  /** Reads at most {@code limit} bytes; a longer body is a 413. */
  static byte[] body(InputStream in, long limit) {
    if (in == null) {
      return new byte[0];
    }
    try (in) {
      byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (data.length > limit) {
        throw ApiException.tooLarge(
            "the invocation body is larger than the limit of "
                + limit
                + " bytes (kiln.invoke.max-body-size)");
      }
      return data;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the request body", e);
    }
  }

  /** A new invocation id. */
  static String newId() {
    return UUID.randomUUID().toString();
  }

  /** An invocation with a deadline of now plus {@code timeout}. */
  static Invocation invocation(
      String id,
      String method,
      String path,
      String query,
      Map<String, List<String>> headers,
      byte[] body,
      Duration timeout) {
    return new Invocation(
        id,
        method.toUpperCase(Locale.ROOT),
        path,
        query,
        headers,
        body,
        Instant.now().plus(timeout));
  }
}
