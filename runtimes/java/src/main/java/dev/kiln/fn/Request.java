package dev.kiln.fn;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One invocation as the function sees it: the HTTP request the platform forwarded.
 *
 * <p>Events arrive the same way: a CloudEvent in binary mode is a request whose {@code ce-id},
 * {@code ce-source}, {@code ce-type} and {@code ce-specversion} headers carry its attributes and
 * whose body is the event data.
 *
 * @param method the request method, for example {@code GET}
 * @param path the request path without the query, for example {@code /orders/42}
 * @param query the raw query string without {@code ?}, empty when there is none
 * @param headers all request headers; keys are looked up case-insensitively
 * @param body the request body, empty when there is none
 */
public record Request(
    String method, String path, String query, Map<String, List<String>> headers, byte[] body) {

  /** Header carrying the platform's id of this invocation. */
  public static final String INVOCATION_ID_HEADER = "X-Kiln-Invocation-Id";

  /** Header carrying the invocation deadline in milliseconds since the epoch. */
  public static final String DEADLINE_HEADER = "X-Kiln-Deadline";

  /** Copies the headers into a case-insensitive map and defaults absent parts to empty. */
  public Request {
    if (method == null || method.isEmpty()) {
      throw new IllegalArgumentException("request method must not be empty");
    }
    path = path == null || path.isEmpty() ? "/" : path;
    query = query == null ? "" : query;
    headers = HeaderMaps.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  /** The first value of a header, looked up case-insensitively. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The body decoded as UTF-8. */
  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The platform's id of this invocation, from {@value #INVOCATION_ID_HEADER}. */
  public Optional<String> invocationId() {
    return header(INVOCATION_ID_HEADER);
  }

  /**
   * When the platform stops waiting for this invocation, from {@value #DEADLINE_HEADER}; empty when
   * the header is absent or not a number.
   */
  public Optional<Instant> deadline() {
    return header(DEADLINE_HEADER)
        .flatMap(
            millis -> {
              try {
                return Optional.of(Instant.ofEpochMilli(Long.parseLong(millis.trim())));
              } catch (NumberFormatException e) {
                return Optional.empty();
              }
            });
  }
}
