package dev.kiln.common.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One non-blocking connection with a read buffer and an optional deadline. The caller's thread
 * waits in a {@link Selector} for readiness, so a deadline holds without a watchdog thread.
 */
final class Wire implements AutoCloseable {

  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private long deadlineNanos;

  private Wire(SocketChannel channel, Selector selector) throws IOException {
    this.channel = channel;
    this.selector = selector;
    channel.configureBlocking(false);
    this.key = channel.register(selector, 0);
    buffer.flip();
  }

  static Wire open(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      // Connecting a Unix socket completes at once or fails at once, so it may block.
      channel.connect(UnixDomainSocketAddress.of(socket));
      return new Wire(channel, Selector.open());
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /** Sets when the current exchange must be done, or 0 for no deadline. */
  void deadline(long nanos) {
    this.deadlineNanos = nanos;
  }

  /**
   * Whether the server closed this idle connection or sent something unasked, in which case it must
   * not carry another request.
   */
  boolean isStale() {
    if (buffer.hasRemaining()) {
      return true;
    }
    try {
      buffer.clear();
      int n = channel.read(buffer);
      buffer.flip();
      return n != 0;
    } catch (IOException e) {
      return true;
    }
  }

  /** Whether response bytes have arrived that were not read yet. */
  boolean hasPendingInput() {
    if (buffer.hasRemaining()) {
      return true;
    }
    buffer.compact();
    try {
      return channel.read(buffer) > 0;
    } catch (IOException e) {
      return false;
    } finally {
      buffer.flip();
    }
  }

  /** Writes all buffers, gathering them into as few system calls as the socket allows. */
  void write(ByteBuffer... buffers) throws IOException {
    int first = 0;
    while (first < buffers.length) {
      if (!buffers[first].hasRemaining()) {
        first++;
        continue;
      }
      if (channel.write(buffers, first, buffers.length - first) == 0) {
        await(SelectionKey.OP_WRITE);
      }
    }
  }

  /** One line without CRLF (or bare LF), at most {@code limit} bytes long. */
  String readLine(int limit) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    while (true) {
      while (buffer.hasRemaining()) {
        byte b = buffer.get();
        if (b == '\n') {
          byte[] bytes = line.toByteArray();
          int length = bytes.length;
          if (length > 0 && bytes[length - 1] == '\r') {
            length--;
          }
          return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
        if (line.size() >= limit) {
          throw new IOException("response line longer than " + limit + " bytes");
        }
        line.write(b);
      }
      if (!fill()) {
        throw new EOFException("connection closed within the response head");
      }
    }
  }

  /** Exactly {@code n} bytes appended to {@code out}. */
  void readBytes(long n, ByteArrayOutputStream out) throws IOException {
    long left = n;
    while (left > 0) {
      if (!buffer.hasRemaining() && !fill()) {
        throw new EOFException("connection closed within the response body");
      }
      int take = (int) Math.min(left, buffer.remaining());
      out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), take);
      buffer.position(buffer.position() + take);
      left -= take;
    }
  }

  /** Everything until the server closes the connection. */
  void readToEnd(ByteArrayOutputStream out) throws IOException {
    do {
      out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
      buffer.position(buffer.limit());
    } while (fill());
  }

  @Override
  public void close() {
    try {
      selector.close();
    } catch (IOException e) {
      // Closing the channel below is what matters.
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing more can be done with a connection that fails to close.
    }
  }

  /** Reads more into the buffer; false at end of stream. */
  private boolean fill() throws IOException {
    buffer.compact();
    try {
      while (true) {
        int n = channel.read(buffer);
        if (n > 0) {
          return true;
        }
        if (n < 0) {
          return false;
        }
        await(SelectionKey.OP_READ);
      }
    } finally {
      buffer.flip();
    }
  }

  private void await(int op) throws IOException {
    key.interestOps(op);
    long timeoutMillis = 0;
    if (deadlineNanos != 0) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException("no response within the timeout");
      }
      timeoutMillis = Math.max(1, left / 1_000_000);
    }
    selector.select(timeoutMillis);
    selector.selectedKeys().clear();
    key.interestOps(0);
  }
}
