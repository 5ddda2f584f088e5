package dev.kiln.runtime;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What the runner sends back for one request.
 *
 * @param status HTTP status
 * @param headers response headers
 * @param body response body
 */
record Reply(int status, Map<String, List<String>> headers, byte[] body) {

  /** A JSON reply; {@code functionError} adds {@code X-Kiln-Error: function}. */
  static Reply json(int status, String json, boolean functionError) {
    Map<String, List<String>> headers =
        functionError
            ? Map.of(
                "Content-Type", List.of("application/json"), "X-Kiln-Error", List.of("function"))
            : Map.of("Content-Type", List.of("application/json"));
    return new Reply(status, headers, json.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code {"error": message}} plus any extra, already encoded, JSON members. */
  static Reply error(int status, String message, String extraMembers) {
    return json(status, "{\"error\":" + Json.quote(message) + extraMembers + "}", false);
  }
}
