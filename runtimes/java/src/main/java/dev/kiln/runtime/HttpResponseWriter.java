package dev.kiln.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Writes HTTP/1.1 responses, always framed by {@code Content-Length}. */
final class HttpResponseWriter {

  /**
   * Framing headers the runner owns; a function's own values for them would contradict the body
   * that is actually sent.
   */
  private static final Set<String> FRAMING = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

  static {
    FRAMING.addAll(List.of("Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"));
  }

  private final GatheringByteChannel channel;

  HttpResponseWriter(GatheringByteChannel channel) {
    this.channel = channel;
  }

  /**
   * Writes one response in a single gathering write of head and body.
   *
   * @param headOnly answer to a {@code HEAD} request: the length is announced, the body not sent
   * @param close announce that the connection closes after this response
   */
  void write(
      int status, Map<String, List<String>> headers, byte[] body, boolean headOnly, boolean close)
      throws IOException {
    StringBuilder head = new StringBuilder(256);
    head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    headers.forEach(
        (name, values) -> {
          if (!FRAMING.contains(name)) {
            values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n"));
          }
        });
    // RFC 9110 section 8.6: no Content-Length in a 204, and none needed after a 304.
    boolean bodiless = status == 204 || status == 304;
    if (!bodiless) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    if (close) {
      head.append("Connection: close\r\n");
    }
    head.append("\r\n");
    ByteBuffer[] buffers = {
      ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1)),
      ByteBuffer.wrap(headOnly || bodiless ? new byte[0] : body)
    };
    while (buffers[0].hasRemaining() || buffers[1].hasRemaining()) {
      channel.write(buffers);
    }
  }

  /** Writes a JSON error body, as used for protocol and runner errors. */
  void writeError(int status, String json, boolean close) throws IOException {
    write(
        status,
        Map.of("Content-Type", List.of("application/json")),
        json.getBytes(StandardCharsets.UTF_8),
        false,
        close);
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 202 -> "Accepted";
      case 204 -> "No Content";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 304 -> "Not Modified";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 422 -> "Unprocessable Content";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      default -> status < 400 ? "OK" : "Error";
    };
  }
}
