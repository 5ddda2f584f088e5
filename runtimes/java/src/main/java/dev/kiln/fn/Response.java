package dev.kiln.fn;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a function answers: sent back to the caller as is, with a {@code Content-Length} the runner
 * computes.
 *
 * <p>Build one with a factory and refine it with {@link #header}: {@code
 * Response.ok("hi").header("Cache-Control", "no-store")}.
 *
 * @param status the HTTP status code, 200 to 599
 * @param headers response headers; keys are looked up case-insensitively
 * @param body the response body, empty when there is none
 */
public record Response(int status, Map<String, List<String>> headers, byte[] body) {

  /** Checks the status and header syntax and copies the headers into a case-insensitive map. */
  public Response {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("response status must be 200 to 599, got " + status);
    }
    headers = HeaderMaps.copyOf(headers);
    headers.forEach(
        (name, values) -> {
          HeaderMaps.checkName(name);
          values.forEach(value -> HeaderMaps.checkValue(name, value));
        });
    body = body == null ? new byte[0] : body;
  }

  /** 200 with a UTF-8 text body. */
  public static Response ok(String text) {
    return new Response(
        200,
        Map.of("Content-Type", List.of("text/plain; charset=utf-8")),
        text.getBytes(StandardCharsets.UTF_8));
  }

  /** 200 with a JSON body, which the caller has already serialised. */
  public static Response json(String json) {
    return new Response(
        200,
        Map.of("Content-Type", List.of("application/json")),
        json.getBytes(StandardCharsets.UTF_8));
  }

  /** The given status with no headers and an empty body. */
  public static Response status(int status) {
    return new Response(status, Map.of(), new byte[0]);
  }

  /** This response with one more header value; earlier values of the same name are kept. */
  public Response header(String name, String value) {
    return new Response(status, HeaderMaps.with(headers, name, value), body);
  }

  /** This response with another body; headers, including the content type, are kept. */
  public Response body(byte[] bytes) {
    return new Response(status, headers, bytes);
  }

  /** This response with another body, encoded as UTF-8. */
  public Response body(String text) {
    return body(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The first value of a header, looked up case-insensitively. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }
}
