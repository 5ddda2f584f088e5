package dev.kiln.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads HTTP/1.1 requests (RFC 9112) from one connection: request line, header fields, and a body
 * framed by {@code Content-Length} or {@code Transfer-Encoding: chunked}.
 */
final class HttpRequestReader {

  /** Request line, header fields and chunked trailers together may not exceed this. */
  static final int MAX_HEADER_BYTES = 64 * 1024;

  private static final byte[] CONTINUE =
      "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final InputStream in;
  private final OutputStream interim;
  private final long maxBody;
  private int headerBytes;

  /**
   * @param in buffered input of the connection
   * @param interim where to send {@code 100 Continue} when a client asks for it
   * @param maxBody largest body accepted; larger ones are answered with 413
   */
  HttpRequestReader(InputStream in, OutputStream interim, long maxBody) {
    this.in = in;
    this.interim = interim;
    this.maxBody = maxBody;
  }

  /**
   * Reads the next request.
   *
   * @return the request, or {@code null} when the client closed the connection between requests
   * @throws HttpException when the request is malformed or too large
   * @throws IOException when the connection fails or closes within a request
   */
  RawRequest read() throws IOException, HttpException {
    headerBytes = 0;
    String line = readLine(true);
    // RFC 9112 section 2.2: a server should ignore empty lines received before the request line.
    while (line != null && line.isEmpty()) {
      line = readLine(true);
    }
    if (line == null) {
      return null;
    }
    String[] parts = line.split(" ", -1);
    if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty()) {
      throw new HttpException(400, "malformed request line");
    }
    String version = parts[2];
    if (!version.startsWith("HTTP/1.")) {
      throw new HttpException(
          version.startsWith("HTTP/") ? 505 : 400,
          version.startsWith("HTTP/") ? "only HTTP/1.x is supported" : "malformed request line");
    }
    String target = parts[1];
    if (!target.startsWith("/")) {
      throw new HttpException(400, "request target must be a path starting with '/'");
    }
    Map<String, List<String>> headers = readFields();
    boolean keepAlive = keepAlive(version, headers);
    if ("100-continue".equalsIgnoreCase(first(headers, "Expect"))) {
      interim.write(CONTINUE);
      interim.flush();
    }
    byte[] body = readBody(headers);
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q + 1);
    return new RawRequest(parts[0], path, query, headers, body, keepAlive);
  }

  private Map<String, List<String>> readFields() throws IOException, HttpException {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    while (true) {
      String line = readLine(false);
      if (line.isEmpty()) {
        return headers;
      }
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        // RFC 9112 section 5.2: obsolete line folding may be rejected with 400.
        throw new HttpException(400, "folded header lines are not supported");
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || !isToken(line.substring(0, colon))) {
        throw new HttpException(400, "malformed header line");
      }
      String name = line.substring(0, colon);
      String value = line.substring(colon + 1).strip();
      headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
  }

  private byte[] readBody(Map<String, List<String>> headers) throws IOException, HttpException {
    String transferEncoding = first(headers, "Transfer-Encoding");
    List<String> lengths = headers.get("Content-Length");
    if (transferEncoding != null) {
      // Both framings in one request is the classic smuggling vector (RFC 9112 section 6.1).
      if (lengths != null) {
        throw new HttpException(400, "both Transfer-Encoding and Content-Length are present");
      }
      if (!transferEncoding.toLowerCase(Locale.ROOT).equals("chunked")) {
        throw new HttpException(501, "unsupported Transfer-Encoding: " + transferEncoding);
      }
      return readChunked();
    }
    if (lengths == null) {
      return new byte[0];
    }
    long length = contentLength(lengths);
    if (length > maxBody) {
      throw new HttpException(413, tooLarge());
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length < length) {
      throw new IOException("connection closed within the request body");
    }
    return body;
  }

  private byte[] readChunked() throws IOException, HttpException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(false);
      int semicolon = sizeLine.indexOf(';');
      String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new HttpException(400, "malformed chunk size");
      }
      if (size < 0) {
        throw new HttpException(400, "malformed chunk size");
      }
      if (size == 0) {
        // Trailer fields are read to keep the framing but not passed on.
        readFields();
        return body.toByteArray();
      }
      if (body.size() + size > maxBody) {
        throw new HttpException(413, tooLarge());
      }
      byte[] chunk = in.readNBytes((int) size);
      if (chunk.length < size) {
        throw new IOException("connection closed within a chunk");
      }
      body.writeBytes(chunk);
      if (!readLine(false).isEmpty()) {
        throw new HttpException(400, "chunk data longer than its size");
      }
    }
  }

  private long contentLength(List<String> values) throws HttpException {
    long length = -1;
    for (String value : values) {
      for (String item : value.split(",")) {
        long parsed;
        try {
          parsed = Long.parseLong(item.strip());
        } catch (NumberFormatException e) {
          throw new HttpException(400, "malformed Content-Length");
        }
        if (parsed < 0 || (length >= 0 && parsed != length)) {
          throw new HttpException(400, "malformed Content-Length");
        }
        length = parsed;
      }
    }
    return length;
  }

  private String tooLarge() {
    return "request body exceeds the limit of " + maxBody + " bytes (KILN_MAX_BODY)";
  }

  /**
   * Reads one line without its CRLF (a bare LF is accepted, RFC 9112 section 2.2).
   *
   * @param atStart whether a clean end of stream is allowed here (between requests)
   */
  private String readLine(boolean atStart) throws IOException, HttpException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (atStart && line.size() == 0) {
          return null;
        }
        throw new IOException("connection closed within the request head");
      }
      if (++headerBytes > MAX_HEADER_BYTES) {
        throw new HttpException(431, "request head exceeds " + MAX_HEADER_BYTES + " bytes");
      }
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
          length--;
        }
        // Field values are ISO-8859-1 on the wire (RFC 9110 section 5.5).
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
  }

  private static boolean keepAlive(String version, Map<String, List<String>> headers) {
    String connection = String.join(",", headers.getOrDefault("Connection", List.of()));
    String tokens = "," + connection.toLowerCase(Locale.ROOT).replace(" ", "") + ",";
    if (version.equals("HTTP/1.0")) {
      return tokens.contains(",keep-alive,");
    }
    return !tokens.contains(",close,");
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 32 || c >= 127 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }
}
