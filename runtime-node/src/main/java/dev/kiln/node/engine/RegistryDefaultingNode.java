package dev.kiln.node.engine;

import dev.kiln.common.ImageRef;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.ContainerStats;
import dev.kiln.common.node.ImageStatus;
import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.common.node.NodeApi;
import dev.kiln.common.node.NodeInfo;
import dev.kiln.common.node.StartRequest;
import dev.kiln.common.node.StemCellPool;
import java.util.List;

/**
 * A joined node's engine: image references that name no registry are pulled from the control
 * plane's registry. The control plane names function versions as in its own store ({@code
 * hello:3@sha256:...}), which an in-process node finds there; a node on another machine finds them
 * at {@code <join host>/hello:3@sha256:...}.
 */
final class RegistryDefaultingNode implements NodeApi, AutoCloseable {

  private final NodeEngine engine;
  private final String registry;

  RegistryDefaultingNode(NodeEngine engine, String registry) {
    this.engine = engine;
    this.registry = registry;
  }

  ImageRef qualify(ImageRef image) {
    if (image.registryHost().isPresent()) {
      return image;
    }
    return new ImageRef(registry, image.repository(), image.tag(), image.digest());
  }

  @Override
  public NodeInfo info() {
    return engine.info();
  }

  @Override
  public ImageStatus ensureImage(ImageRef image) {
    return engine.ensureImage(qualify(image));
  }

  @Override
  public ContainerInfo start(StartRequest request) {
    return engine.start(
        new StartRequest(
            request.spec(), request.version(), qualify(request.image()), request.mode()));
  }

  @Override
  public InvocationResult invoke(String containerId, Invocation invocation) {
    return engine.invoke(containerId, invocation);
  }

  @Override
  public void stop(String containerId) {
    engine.stop(containerId);
  }

  @Override
  public List<ContainerInfo> containers() {
    return engine.containers();
  }

  @Override
  public ContainerStats stats(String containerId) {
    return engine.stats(containerId);
  }

  @Override
  public List<StemCellPool> stemCells() {
    return engine.stemCells();
  }

  @Override
  public String logs(String containerId, int maxBytes) {
    return engine.logs(containerId, maxBytes);
  }

  @Override
  public void close() {
    engine.close();
  }
}
