package dev.kiln.node.agent;

import dev.kiln.common.node.NodeApi;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code kiln node}: a standalone runtime node, its engine served by the node agent API until the
 * process is stopped (SIGINT, SIGTERM). On the way out it stops listening, then closes the engine.
 */
public final class NodeMain {

  private NodeMain() {}

  /** Runs the node; exits with 2 on bad options and 1 when the node cannot start. */
  public static void main(String[] args) throws InterruptedException {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.print(NodeOptions.USAGE);
      return;
    }
    NodeOptions options;
    try {
      options = NodeOptions.parse(args, System.getenv(), Path.of(System.getProperty("user.home")));
    } catch (IllegalArgumentException e) {
      System.err.println("kiln node: " + e.getMessage());
      System.err.print(NodeOptions.USAGE);
      System.exit(2);
      return;
    }
    Running node;
    try {
      node = start(options, NodeApiFactory.load(), System.out);
    } catch (IOException | RuntimeException e) {
      System.err.println("kiln node: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    java.lang.Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  stopped.countDown();
                },
                "kiln-node-shutdown"));
    stopped.await();
  }

  /** A node serving its API; {@link #close()} stops listening, then closes the engine. */
  public record Running(NodeApi node, NodeAgentServer server, int port) implements AutoCloseable {
    @Override
    public void close() {
      server.stop();
      if (node instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          System.err.println("kiln node: closing the engine failed: " + e.getMessage());
        }
      }
    }
  }

  /**
   * Creates the engine and serves it at the options' address, then prints {@code kiln node
   * listening on http://HOST:PORT (data: DIR)} to {@code out}.
   */
  public static Running start(NodeOptions options, NodeApiFactory factory, PrintStream out)
      throws IOException {
    NodeApi node = factory.create(options);
    NodeAgentServer server = new NodeAgentServer(new NodeAgentHandler(node, options.token()));
    int port;
    try {
      port = server.start(new InetSocketAddress(options.host(), options.port()));
    } catch (IOException e) {
      new Running(node, server, 0).close();
      throw new IOException(
          "cannot listen on " + options.listenAddress() + ": " + e.getMessage(), e);
    }
    NodeOptions bound =
        new NodeOptions(
            options.dataDir(),
            options.host(),
            port,
            options.registry(),
            options.token(),
            options.stemCells());
    out.println(
        "kiln node listening on http://"
            + bound.listenAddress()
            + " (data: "
            + options.dataDir()
            + ")");
    return new Running(node, server, port);
  }
}
