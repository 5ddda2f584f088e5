package dev.kiln.runtime;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;

/** Serves the requests of one keep-alive connection, one after the other. */
final class Connection implements Runnable {

  private final SocketChannel channel;
  private final Dispatcher dispatcher;
  private final long maxBody;

  Connection(SocketChannel channel, Dispatcher dispatcher, long maxBody) {
    this.channel = channel;
    this.dispatcher = dispatcher;
    this.maxBody = maxBody;
  }

  @Override
  public void run() {
    try (channel) {
      HttpRequestReader reader =
          new HttpRequestReader(
              new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024),
              Channels.newOutputStream(channel),
              maxBody);
      HttpResponseWriter writer = new HttpResponseWriter(channel);
      while (true) {
        RawRequest request;
        try {
          request = reader.read();
        } catch (HttpException e) {
          writer.writeError(e.status(), "{\"error\":" + Json.quote(e.getMessage()) + "}", true);
          return;
        }
        if (request == null) {
          return;
        }
        Reply reply = dispatcher.dispatch(request);
        writer.write(
            reply.status(),
            reply.headers(),
            reply.body(),
            request.method().equals("HEAD"),
            !request.keepAlive());
        if (!request.keepAlive()) {
          return;
        }
      }
    } catch (IOException e) {
      // The platform closed or broke the connection; nothing is left to answer.
    }
  }
}
