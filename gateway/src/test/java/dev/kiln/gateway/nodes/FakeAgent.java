package dev.kiln.gateway.nodes;

import dev.kiln.common.ImageRef;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.ContainerStats;
import dev.kiln.common.node.ImageStatus;
import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.common.node.NodeApi;
import dev.kiln.common.node.NodeException;
import dev.kiln.common.node.NodeInfo;
import dev.kiln.common.node.StartRequest;
import dev.kiln.common.node.StemCellPool;
import dev.kiln.node.agent.NodeAgentHandler;
import dev.kiln.node.agent.NodeAgentServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A node agent on loopback in front of a node that only knows its info: enough to join, heartbeat
 * and be listed. Anything else fails with a 501, so no function is ever placed there by accident.
 */
final class FakeAgent implements NodeApi, AutoCloseable {

  final NodeInfo info;
  private final NodeAgentServer server;
  final URI url;

  /** A node served by its own agent on a free loopback port. */
  FakeAgent(String nodeId, Optional<String> token) throws IOException {
    this.info = new NodeInfo(nodeId, "runc", 2, 4000, 2048, 0, 0, 0);
    this.server = new NodeAgentServer(new NodeAgentHandler(this, token));
    int port = server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.url = URI.create("http://127.0.0.1:" + port);
  }

  /** The node alone, for a {@code NodeMain} that serves it. */
  FakeAgent(String nodeId) {
    this.info = new NodeInfo(nodeId, "runc", 2, 4000, 2048, 0, 0, 0);
    this.server = null;
    this.url = null;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop();
    }
  }

  @Override
  public NodeInfo info() {
    return info;
  }

  private static NodeException unsupported() {
    return new NodeException(501, "a fake node runs no functions");
  }

  @Override
  public ImageStatus ensureImage(ImageRef image) {
    throw unsupported();
  }

  @Override
  public ContainerInfo start(StartRequest request) {
    throw unsupported();
  }

  @Override
  public InvocationResult invoke(String containerId, Invocation invocation) {
    throw unsupported();
  }

  @Override
  public void stop(String containerId) {}

  @Override
  public List<ContainerInfo> containers() {
    return List.of();
  }

  @Override
  public ContainerStats stats(String containerId) {
    throw unsupported();
  }

  @Override
  public List<StemCellPool> stemCells() {
    return List.of();
  }

  @Override
  public String logs(String containerId, int maxBytes) {
    return "";
  }
}
