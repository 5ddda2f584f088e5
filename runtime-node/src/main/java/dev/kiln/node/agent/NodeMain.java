package dev.kiln.node.agent;

import dev.kiln.common.node.NodeApi;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
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

  /**
   * A node serving its API, joined to a control plane when {@code link} is present; {@link
   * #close()} leaves the control plane, stops listening, then closes the engine.
   */
  public record Running(
      NodeApi node, NodeAgentServer server, int port, Optional<ControlPlaneLink> link)
      implements AutoCloseable {
    @Override
    public void close() {
      link.ifPresent(ControlPlaneLink::close);
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
   * listening on http://HOST:PORT (data: DIR)} to {@code out}; with {@code --join}, starts
   * registering with the control plane and heartbeating.
   */
  public static Running start(NodeOptions options, NodeApiFactory factory, PrintStream out)
      throws IOException {
    return start(options, factory, out, ControlPlaneLink.Settings.DEFAULT);
  }

  /** {@link #start(NodeOptions, NodeApiFactory, PrintStream)} with the link's timings. */
  public static Running start(
      NodeOptions options,
      NodeApiFactory factory,
      PrintStream out,
      ControlPlaneLink.Settings linkSettings)
      throws IOException {
    NodeApi node = factory.create(options);
    NodeAgentServer server = new NodeAgentServer(new NodeAgentHandler(node, options.token()));
    int port;
    try {
      port = server.start(new InetSocketAddress(options.host(), options.port()));
    } catch (IOException e) {
      new Running(node, server, 0, Optional.empty()).close();
      throw new IOException(
          "cannot listen on " + options.listenAddress() + ": " + e.getMessage(), e);
    }
    NodeOptions bound = options.withPort(port);
    out.println(
        "kiln node listening on http://"
            + bound.listenAddress()
            + " (data: "
            + options.dataDir()
            + ")");
    Optional<ControlPlaneLink> link = Optional.empty();
    if (bound.join().isPresent()) {
      URI controlPlane = bound.join().get();
      ControlPlaneLink l =
          new ControlPlaneLink(
              controlPlane,
              bound.key(),
              node.info().nodeId(),
              bound.advertise().orElseGet(() -> advertised(bound, controlPlane)),
              bound.token(),
              node::info,
              linkSettings,
              out);
      l.start();
      link = Optional.of(l);
    }
    return new Running(node, server, port, link);
  }

  /**
   * The agent URL a control plane is told when {@code --advertise} is absent: the listen address,
   * or, when listening on every interface, this machine's address on the route to the control plane
   * (a connected UDP socket picks it; no packet is sent).
   */
  static URI advertised(NodeOptions options, URI controlPlane) {
    String host = options.host();
    try {
      InetAddress listen = InetAddress.getByName(host);
      if (listen.isAnyLocalAddress()) {
        try (DatagramSocket probe = new DatagramSocket()) {
          int port = controlPlane.getPort() > 0 ? controlPlane.getPort() : 80;
          probe.connect(InetAddress.getByName(controlPlane.getHost()), port);
          InetAddress local = probe.getLocalAddress();
          host =
              local == null || local.isAnyLocalAddress()
                  ? InetAddress.getLocalHost().getHostAddress()
                  : local.getHostAddress();
        }
      }
    } catch (IOException e) {
      // Keep the listen host: --advertise is the way out when it is not reachable.
    }
    String authority = (host.contains(":") ? "[" + host + "]" : host) + ":" + options.port();
    return URI.create("http://" + authority);
  }
}
