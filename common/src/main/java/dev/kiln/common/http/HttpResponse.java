package dev.kiln.common.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A response read by {@link UnixHttpClient}.
 *
 * @param status HTTP status code
 * @param headers response headers; keys are looked up case-insensitively
 * @param body response body with any chunked framing removed
 */
public record HttpResponse(int status, Map<String, List<String>> headers, byte[] body) {

  /** Copies the headers into a case-insensitive map. */
  public HttpResponse {
    headers = FieldMaps.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  /** The first value of a header, looked up case-insensitively. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(FieldMaps.first(headers, name));
  }

  /** The body decoded as UTF-8. */
  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
