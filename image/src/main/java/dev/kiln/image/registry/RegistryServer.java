package dev.kiln.image.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.common.concurrent.DaemonThreads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Runs a {@link RegistryHandler} on the JDK's built-in HTTP server ({@code
 * com.sun.net.httpserver}), plain HTTP: for tests, tools and a node-local registry. The gateway
 * mounts the handler on its own server instead.
 */
public final class RegistryServer implements AutoCloseable {

  private static final int THREADS = 16;

  private final Function<RegistryRequest, RegistryResponse> handler;
  private HttpServer server;
  private ExecutorService executor;

  /** A server for {@code handler}; call {@link #start} to listen. */
  public RegistryServer(RegistryHandler handler) {
    this(handler::handle);
  }

  /** A server for any request-to-response function (tests wrap a handler to inject faults). */
  RegistryServer(Function<RegistryRequest, RegistryResponse> handler) {
    this.handler = handler;
  }

  /** Listens on every interface at {@code port} (0 for any free port); returns the bound port. */
  public int start(int port) throws IOException {
    return start(new InetSocketAddress(port));
  }

  /** Listens at {@code address}; returns the bound port. */
  public synchronized int start(InetSocketAddress address) throws IOException {
    if (server != null) {
      throw new IllegalStateException("registry server already listening on " + address());
    }
    HttpServer s = HttpServer.create(address, 64);
    executor = Executors.newFixedThreadPool(THREADS, DaemonThreads.named("kiln-registry"));
    s.setExecutor(executor);
    s.createContext("/", this::exchange);
    s.start();
    server = s;
    return s.getAddress().getPort();
  }

  /** The address listened on. */
  public synchronized InetSocketAddress address() {
    if (server == null) {
      throw new IllegalStateException("registry server is not started");
    }
    return server.getAddress();
  }

  /** Stops listening; requests in flight get a second to finish. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(1);
      executor.shutdownNow();
      server = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void exchange(HttpExchange exchange) throws IOException {
    try {
      RegistryRequest request =
          new RegistryRequest(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              exchange.getRequestURI().getRawQuery(),
              exchange.getRequestHeaders(),
              exchange.getRequestBody());
      RegistryResponse response = handler.apply(request);
      response
          .headers()
          .forEach(
              (name, value) -> {
                if (!name.equalsIgnoreCase("Content-Length")) {
                  exchange.getResponseHeaders().set(name, value);
                }
              });
      long length = response.body().length();
      if (request.method().equals("HEAD")) {
        // The JDK server sends no body for HEAD and leaves an explicit Content-Length alone.
        String announced = response.header("Content-Length");
        exchange.getResponseHeaders().set("Content-Length", announced != null ? announced : "0");
        exchange.sendResponseHeaders(response.status(), -1);
      } else if (length == 0) {
        exchange.sendResponseHeaders(response.status(), -1);
      } else {
        exchange.sendResponseHeaders(response.status(), length);
        try (OutputStream out = exchange.getResponseBody()) {
          response.body().writeTo(out);
        }
      }
    } finally {
      exchange.close();
    }
  }
}
