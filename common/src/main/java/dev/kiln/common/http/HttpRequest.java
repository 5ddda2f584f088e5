package dev.kiln.common.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A request for {@link UnixHttpClient}.
 *
 * <p>The body is sent with {@code Content-Length}, unless the request carries {@code
 * Transfer-Encoding: chunked}, in which case the client sends it in chunks.
 *
 * @param method request method, for example {@code POST}
 * @param target path and query, for example {@code /orders?limit=5}
 * @param headers request headers; keys are looked up case-insensitively
 * @param body request body, empty when there is none
 */
public record HttpRequest(
    String method, String target, Map<String, List<String>> headers, byte[] body) {

  /** Checks the request line parts and copies the headers into a case-insensitive map. */
  public HttpRequest {
    if (method == null || method.isEmpty() || !method.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new IllegalArgumentException("invalid request method '" + method + "'");
    }
    if (target == null || !target.startsWith("/") || target.chars().anyMatch(c -> c <= 32)) {
      throw new IllegalArgumentException(
          "request target must be a path starting with '/' without spaces, got '" + target + "'");
    }
    headers = FieldMaps.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  /** A request with no headers and no body. */
  public static HttpRequest of(String method, String target) {
    return new HttpRequest(method, target, Map.of(), new byte[0]);
  }

  /** A {@code GET} request. */
  public static HttpRequest get(String target) {
    return of("GET", target);
  }

  /** A {@code POST} request with a body. */
  public static HttpRequest post(String target, byte[] body) {
    return of("POST", target).body(body);
  }

  /** A {@code POST} request with a UTF-8 body. */
  public static HttpRequest post(String target, String body) {
    return post(target, body.getBytes(StandardCharsets.UTF_8));
  }

  /** This request with one more header value. */
  public HttpRequest header(String name, String value) {
    return new HttpRequest(method, target, FieldMaps.with(headers, name, value), body);
  }

  /** This request with another body. */
  public HttpRequest body(byte[] bytes) {
    return new HttpRequest(method, target, headers, bytes);
  }
}
