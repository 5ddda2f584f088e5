package dev.kiln.common.http;

import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 client for one Unix domain socket, such as a function runner's.
 *
 * <p>The client holds one keep-alive connection and sends one request at a time on it ({@code send}
 * is synchronized); use one client per concurrent stream of requests. Before each request it checks
 * whether the server closed the idle connection and, if so, opens a new one, so a request is never
 * sent twice. The calling thread does all the I/O: there is no background thread.
 */
public final class UnixHttpClient implements Closeable {

  private static final int CHUNK_SIZE = 64 * 1024;

  private final Path socket;
  private Wire wire;
  private int connectionsOpened;
  private boolean closed;

  private UnixHttpClient(Path socket) {
    this.socket = socket;
  }

  /**
   * A client for the socket; the first connection is opened by the first request.
   *
   * @param socket path of the Unix domain socket
   */
  public static UnixHttpClient of(Path socket) {
    return new UnixHttpClient(socket);
  }

  /** The socket this client talks to. */
  public Path socket() {
    return socket;
  }

  /**
   * How many connections this client has opened so far: 1 as long as keep-alive holds.
   *
   * @return the number of connections opened
   */
  public synchronized int connectionsOpened() {
    return connectionsOpened;
  }

  /**
   * Sends a request and waits for the whole response, however long it takes.
   *
   * @throws ConnectException when nothing listens on the socket
   * @throws IOException when the connection fails or the response is malformed
   */
  public HttpResponse send(HttpRequest request) throws IOException {
    return send(request, null);
  }

  /**
   * Sends a request and waits for the whole response, at most {@code timeout}.
   *
   * @param timeout how long writing the request and reading the response may take, or {@code null}
   *     for no limit
   * @throws SocketTimeoutException when the timeout passes; the connection is closed, since the
   *     late response would otherwise be read as the answer to the next request
   * @throws ConnectException when nothing listens on the socket
   * @throws IOException when the connection fails or the response is malformed
   */
  public synchronized HttpResponse send(HttpRequest request, Duration timeout) throws IOException {
    if (closed) {
      throw new IOException("client for " + socket + " is closed");
    }
    Wire current = connection();
    current.deadline(timeout == null ? 0 : System.nanoTime() + timeout.toNanos());
    boolean close = true;
    try {
      writeRequest(current, request);
      ResponseReader.Received received =
          ResponseReader.read(current, request.method().equals("HEAD"));
      close = received.close() || closeRequested(request);
      return received.response();
    } catch (SocketTimeoutException e) {
      throw new SocketTimeoutException(
          request.method()
              + " "
              + request.target()
              + " on "
              + socket
              + ": no response within "
              + timeout);
    } catch (IOException e) {
      throw new IOException(
          request.method()
              + " "
              + request.target()
              + " on "
              + socket
              + " failed: "
              + e.getMessage(),
          e);
    } finally {
      if (close) {
        current.close();
        wire = null;
      }
    }
  }

  /** Closes the connection; later requests fail. */
  @Override
  public synchronized void close() {
    closed = true;
    if (wire != null) {
      wire.close();
      wire = null;
    }
  }

  /**
   * Writes the request. A server may answer before reading the whole body (413 for a body over its
   * limit) and close; that answer is still read instead of reporting the broken pipe.
   */
  private static void writeRequest(Wire current, HttpRequest request) throws IOException {
    try {
      current.write(encode(request));
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      if (!current.hasPendingInput()) {
        throw e;
      }
    }
  }

  private Wire connection() throws IOException {
    if (wire != null && wire.isStale()) {
      wire.close();
      wire = null;
    }
    if (wire == null) {
      try {
        wire = Wire.open(socket);
      } catch (IOException e) {
        ConnectException failure =
            new ConnectException("cannot connect to " + socket + ": " + e.getMessage());
        failure.initCause(e);
        throw failure;
      }
      connectionsOpened++;
    }
    return wire;
  }

  private static ByteBuffer[] encode(HttpRequest request) {
    boolean chunked =
        request.headers().getOrDefault("Transfer-Encoding", List.of()).stream()
            .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"));
    StringBuilder head = new StringBuilder(256);
    head.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n");
    if (!request.headers().containsKey("Host")) {
      // RFC 9112 section 3.2: HTTP/1.1 requests carry Host; a Unix socket has no host name.
      head.append("Host: localhost\r\n");
    }
    request
        .headers()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n"));
              }
            });
    byte[] body = request.body();
    if (!chunked && (body.length > 0 || permitsBody(request.method()))) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    List<ByteBuffer> buffers = new ArrayList<>();
    buffers.add(ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1)));
    if (!chunked) {
      buffers.add(ByteBuffer.wrap(body));
    } else {
      for (int offset = 0; offset < body.length; offset += CHUNK_SIZE) {
        int size = Math.min(CHUNK_SIZE, body.length - offset);
        buffers.add(ascii(Integer.toHexString(size) + "\r\n"));
        buffers.add(ByteBuffer.wrap(body, offset, size));
        buffers.add(ascii("\r\n"));
      }
      buffers.add(ascii("0\r\n\r\n"));
    }
    return buffers.toArray(ByteBuffer[]::new);
  }

  private static boolean permitsBody(String method) {
    return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
  }

  private static boolean closeRequested(HttpRequest request) {
    return request.headers().getOrDefault("Connection", List.of()).stream()
        .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("close"));
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }
}
