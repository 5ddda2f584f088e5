package dev.kiln.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Response framings the Kiln runners never produce but other servers on a Unix socket may, checked
 * against a scripted server.
 */
@Timeout(30)
class UnixHttpClientFramingTest {

  @TempDir Path dir;

  private ServerSocketChannel server;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void chunkedResponseBodyIsJoinedAndTrailersDropped() throws Exception {
    Path socket =
        serve(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");

    try (UnixHttpClient client = UnixHttpClient.of(socket)) {
      HttpResponse response = client.send(HttpRequest.get("/"));

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyAsString()).isEqualTo("hello, world");
      assertThat(response.header("x-trailer")).isEmpty();
    }
  }

  @Test
  void interimContinueIsSkipped() throws Exception {
    Path socket =
        serve("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok");

    try (UnixHttpClient client = UnixHttpClient.of(socket)) {
      HttpResponse response = client.send(HttpRequest.post("/", "x"));

      assertThat(response.status()).isEqualTo(202);
      assertThat(response.bodyAsString()).isEqualTo("ok");
    }
  }

  @Test
  void bodyWithoutLengthRunsToTheEndOfTheConnection() throws Exception {
    Path socket = serve("HTTP/1.1 200 OK\r\n\r\nuntil the end");

    try (UnixHttpClient client = UnixHttpClient.of(socket)) {
      assertThat(client.send(HttpRequest.get("/")).bodyAsString()).isEqualTo("until the end");
    }
  }

  @Test
  void requestCarriesHostAndContentLength() throws Exception {
    Path socket = serve("HTTP/1.1 204 No Content\r\n\r\n");

    try (UnixHttpClient client = UnixHttpClient.of(socket)) {
      HttpResponse response = client.send(HttpRequest.post("/p?q=1", "body").header("A", "b"));

      assertThat(response.status()).isEqualTo(204);
      assertThat(requests.get(0))
          .startsWith("POST /p?q=1 HTTP/1.1\r\n")
          .contains("Host: localhost\r\n")
          .contains("A: b\r\n")
          .contains("Content-Length: 4\r\n");
    }
  }

  @Test
  void malformedStatusLineIsReported() throws Exception {
    Path socket = serve("SMTP ready\r\n\r\n");

    try (UnixHttpClient client = UnixHttpClient.of(socket)) {
      assertThatThrownBy(() -> client.send(HttpRequest.get("/x")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("GET /x on " + socket)
          .hasMessageContaining("malformed status line: 'SMTP ready'");
    }
  }

  @Test
  void invalidHeaderValuesAreRejectedBeforeSending() {
    assertThatThrownBy(() -> HttpRequest.get("/").header("X", "a\r\nInjected: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without CR or LF");
  }

  /**
   * Accepts one connection, reads one request head, writes the canned answer and closes the
   * connection.
   */
  private Path serve(String answer) throws IOException {
    Path socket = dir.resolve("s.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Thread thread =
        new Thread(
            () -> {
              try (SocketChannel channel = server.accept()) {
                requests.add(readHead(channel));
                channel.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.ISO_8859_1)));
              } catch (IOException e) {
                // The test ended first.
              }
            });
    thread.setDaemon(true);
    thread.start();
    return socket;
  }

  private static String readHead(SocketChannel channel) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")
        && channel.read(one) > 0) {
      head.write(one.get(0));
      one.clear();
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }
}
