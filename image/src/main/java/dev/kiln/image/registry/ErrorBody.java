package dev.kiln.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.image.oci.OciJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a registry's error body, {@code {"errors":[{"code":"...","message":"...","detail":...}]}},
 * into one line for an exception message.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes">OCI
 *     distribution spec: error codes</a>
 */
final class ErrorBody {

  private static final int MAX_TEXT = 300;

  private ErrorBody() {}

  /**
   * The registry's explanation: {@code message (CODE)} for each error, joined with {@code ; }; the
   * start of the body if it is not in the spec's format; null if the body is empty.
   */
  static String describe(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      JsonNode root = OciJson.mapper().readTree(body);
      if (root != null && root.path("errors").isArray()) {
        List<String> parts = new ArrayList<>();
        for (JsonNode e : root.path("errors")) {
          String code = e.path("code").asText("");
          String message = e.path("message").asText("");
          if (message.isEmpty()) {
            parts.add(code);
          } else {
            parts.add(code.isEmpty() ? message : message + " (" + code + ")");
          }
        }
        if (!parts.isEmpty()) {
          return String.join("; ", parts);
        }
      }
    } catch (IOException | RuntimeException notJson) {
      // Fall through: proxies and some registries answer with text or HTML.
    }
    String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    if (text.isEmpty()) {
      return null;
    }
    return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "..." : text;
  }
}
