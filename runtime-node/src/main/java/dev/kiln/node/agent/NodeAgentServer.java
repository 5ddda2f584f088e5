package dev.kiln.node.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs a {@link NodeAgentHandler} on the JDK's built-in HTTP server ({@code
 * com.sun.net.httpserver}), plain HTTP: the standalone node process and tests. The gateway mounts
 * the handler on its own server instead.
 *
 * <p>An invocation holds its thread until the function answers, so the pool grows with the calls in
 * flight, up to {@code maxConcurrent}; beyond that requests wait in line. Idle threads end after a
 * minute.
 */
public final class NodeAgentServer implements AutoCloseable {

  /** Invocations served at once by default: more than a node runs containers. */
  public static final int DEFAULT_MAX_CONCURRENT = 512;

  /**
   * A refused request's unread body is drained up to this much, so the client reads the refusal
   * instead of a reset connection; a larger one closes the connection.
   */
  private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

  private static final String NODELAY = "sun.net.httpserver.nodelay";

  static {
    // The JDK server writes a response's headers and its body in two writes; with Nagle's
    // algorithm the body then waits for the client's delayed ACK, 40 ms on Linux, on every call.
    // The server reads this property once, when the first one in the process is created.
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
  }

  private final Function<AgentRequest, AgentResponse> handler;
  private final int maxConcurrent;
  private final Object inFlightLock = new Object();
  private int inFlight;
  private volatile boolean stopping;
  private HttpServer server;
  private ThreadPoolExecutor executor;

  /** A server for {@code handler}; call {@link #start} to listen. */
  public NodeAgentServer(NodeAgentHandler handler) {
    this(handler::handle, DEFAULT_MAX_CONCURRENT);
  }

  /** A server for {@code handler} that serves at most {@code maxConcurrent} requests at once. */
  public NodeAgentServer(NodeAgentHandler handler, int maxConcurrent) {
    this(handler::handle, maxConcurrent);
  }

  /** A server for any request-to-response function (tests wrap a handler to inject faults). */
  NodeAgentServer(Function<AgentRequest, AgentResponse> handler, int maxConcurrent) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + maxConcurrent);
    }
    this.handler = handler;
    this.maxConcurrent = maxConcurrent;
  }

  /** Listens at {@code address} (port 0 for any free port); returns the bound port. */
  public synchronized int start(InetSocketAddress address) throws IOException {
    if (server != null) {
      throw new IllegalStateException("node agent already listening on " + address());
    }
    HttpServer s = HttpServer.create(address, 128);
    AtomicInteger threads = new AtomicInteger();
    executor =
        new ThreadPoolExecutor(
            maxConcurrent,
            maxConcurrent,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "kiln-node-agent-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.DiscardPolicy());
    executor.allowCoreThreadTimeOut(true);
    s.setExecutor(executor);
    s.createContext("/", this::exchange);
    s.start();
    server = s;
    return s.getAddress().getPort();
  }

  /** The address listened on. */
  public synchronized InetSocketAddress address() {
    if (server == null) {
      throw new IllegalStateException("node agent is not started");
    }
    return server.getAddress();
  }

  /**
   * Stops: new requests get 503, requests in flight get a second to finish, then their threads are
   * interrupted and the port is closed.
   */
  public void stop() {
    stop(Duration.ofSeconds(1));
  }

  /**
   * Stops, giving requests in flight up to {@code grace} to finish. Returns without waiting for the
   * JDK server's dispatcher thread, which on JDK 17 lingers for up to a second whatever the delay
   * it is given.
   */
  public synchronized void stop(Duration grace) {
    if (server == null) {
      return;
    }
    stopping = true;
    long until = System.nanoTime() + grace.toNanos();
    synchronized (inFlightLock) {
      long left;
      while (inFlight > 0 && (left = until - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(inFlightLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    // Interrupts what still runs; anything dispatched from now on is discarded, and its
    // connection closed by the server's stop.
    executor.shutdownNow();
    HttpServer s = server;
    Thread closer = new Thread(() -> s.stop(0), "kiln-node-agent-stop");
    closer.setDaemon(true);
    closer.start();
    server = null;
    stopping = false;
  }

  @Override
  public void close() {
    stop();
  }

  private void exchange(HttpExchange exchange) throws IOException {
    synchronized (inFlightLock) {
      inFlight++;
    }
    try (exchange) {
      AgentRequest request =
          new AgentRequest(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              exchange.getRequestURI().getRawQuery(),
              exchange.getRequestHeaders(),
              exchange.getRequestBody());
      AgentResponse response =
          stopping
              ? AgentResponse.json(503, AgentJson.problem(503, "node agent is stopping"))
              : handler.apply(request);
      drain(exchange.getRequestBody());
      for (Map.Entry<String, List<String>> h : response.headers().entrySet()) {
        if (!h.getKey().equalsIgnoreCase("Content-Length")) {
          exchange.getResponseHeaders().put(h.getKey(), new ArrayList<>(h.getValue()));
        }
      }
      byte[] body = response.body();
      boolean bodyAllowed = response.status() != 204 && response.status() != 304;
      if (body.length == 0 || !bodyAllowed) {
        exchange.sendResponseHeaders(response.status(), -1);
      } else {
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } finally {
      synchronized (inFlightLock) {
        inFlight--;
        inFlightLock.notifyAll();
      }
    }
  }

  private static void drain(InputStream body) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long drained = 0;
    int n;
    while (drained <= DRAIN_LIMIT && (n = body.read(buffer)) >= 0) {
      drained += n;
    }
  }
}
