package dev.kiln.common.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Reads one HTTP/1.1 response (RFC 9112) off a {@link Wire}. */
final class ResponseReader {

  /** Status line and header fields together may not exceed this. */
  static final int MAX_HEAD_BYTES = 64 * 1024;

  private ResponseReader() {}

  /**
   * A response and whether the connection is finished after it.
   *
   * @param response the response
   * @param close true when the server closes the connection or the body ran to its end
   */
  record Received(HttpResponse response, boolean close) {}

  static Received read(Wire wire, boolean headRequest) throws IOException {
    while (true) {
      String statusLine = wire.readLine(MAX_HEAD_BYTES);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
        throw new ProtocolException("malformed status line: " + abbreviate(statusLine));
      }
      int status;
      try {
        status = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new ProtocolException("malformed status line: " + abbreviate(statusLine));
      }
      Map<String, List<String>> headers = readFields(wire, MAX_HEAD_BYTES - statusLine.length());
      // RFC 9110 section 15.2: interim responses such as 100 Continue precede the final one.
      if (status >= 100 && status < 200) {
        continue;
      }
      boolean close = closes(parts[0], headers);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      String transferEncoding = FieldMaps.first(headers, "Transfer-Encoding");
      String contentLength = FieldMaps.first(headers, "Content-Length");
      if (headRequest || status == 204 || status == 304) {
        // RFC 9112 section 6.3: these responses never have a body, whatever their headers say.
      } else if (transferEncoding != null) {
        if (!transferEncoding.toLowerCase(Locale.ROOT).endsWith("chunked")) {
          throw new ProtocolException("unsupported Transfer-Encoding: " + transferEncoding);
        }
        readChunked(wire, body);
      } else if (contentLength != null) {
        wire.readBytes(length(contentLength), body);
      } else {
        wire.readToEnd(body);
        close = true;
      }
      return new Received(new HttpResponse(status, headers, body.toByteArray()), close);
    }
  }

  private static Map<String, List<String>> readFields(Wire wire, int budget) throws IOException {
    Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    int left = budget;
    while (true) {
      String line = wire.readLine(Math.max(1, left));
      left -= line.length() + 2;
      if (left < 0) {
        throw new ProtocolException("response head exceeds " + MAX_HEAD_BYTES + " bytes");
      }
      if (line.isEmpty()) {
        return fields;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new ProtocolException("malformed header line: " + abbreviate(line));
      }
      fields
          .computeIfAbsent(line.substring(0, colon).strip(), n -> new ArrayList<>())
          .add(line.substring(colon + 1).strip());
    }
  }

  private static void readChunked(Wire wire, ByteArrayOutputStream body) throws IOException {
    while (true) {
      String sizeLine = wire.readLine(1024);
      int semicolon = sizeLine.indexOf(';');
      long size;
      try {
        size =
            Long.parseLong(
                (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
      } catch (NumberFormatException e) {
        throw new ProtocolException("malformed chunk size: " + abbreviate(sizeLine));
      }
      if (size == 0) {
        readFields(wire, MAX_HEAD_BYTES);
        return;
      }
      wire.readBytes(size, body);
      if (!wire.readLine(2).isEmpty()) {
        throw new ProtocolException("chunk data longer than its size");
      }
    }
  }

  private static long length(String value) throws ProtocolException {
    try {
      long length = Long.parseLong(value.strip());
      if (length >= 0 && length <= Integer.MAX_VALUE - 8) {
        return length;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new ProtocolException("malformed Content-Length: " + abbreviate(value));
  }

  private static boolean closes(String version, Map<String, List<String>> headers) {
    String connection = String.join(",", headers.getOrDefault("Connection", List.of()));
    String tokens = "," + connection.toLowerCase(Locale.ROOT).replace(" ", "") + ",";
    if (version.equals("HTTP/1.0")) {
      return !tokens.contains(",keep-alive,");
    }
    return tokens.contains(",close,");
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? "'" + s + "'" : "'" + s.substring(0, 80) + "...'";
  }
}
