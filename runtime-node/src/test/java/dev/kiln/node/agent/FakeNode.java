package dev.kiln.node.agent;

import dev.kiln.common.Digest;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * An in-memory node for unit tests of the agent: returns fixed values, records what it was asked,
 * and invokes through a replaceable function. {@link #failWith} makes every call throw.
 */
final class FakeNode implements NodeApi {

  static final Digest IMAGE = Digest.sha256(new byte[] {1, 2, 3});
  static final NodeInfo INFO = new NodeInfo("node-7", "runc", 1, 4000, 8192, 2, 1500, 384);

  final List<Object> calls = new CopyOnWriteArrayList<>();
  final Map<String, ContainerInfo> containers = new ConcurrentHashMap<>();
  volatile BiFunction<String, Invocation, InvocationResult> invoke =
      (id, inv) -> new InvocationResult.Ok(200, Map.of(), inv.body(), Duration.ofNanos(1000));
  volatile RuntimeException failure;

  void failWith(RuntimeException e) {
    failure = e;
  }

  private void called(String what, Object... args) {
    List<Object> call = new ArrayList<>();
    call.add(what);
    call.addAll(List.of(args));
    calls.add(call);
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public NodeInfo info() {
    called("info");
    return INFO;
  }

  @Override
  public ImageStatus ensureImage(ImageRef image) {
    called("ensureImage", image);
    return new ImageStatus(image.digest() != null ? image.digest() : IMAGE, 3, 1, 42);
  }

  @Override
  public ContainerInfo start(StartRequest request) {
    called("start", request);
    ContainerInfo c =
        new ContainerInfo(
            "c-" + (containers.size() + 1),
            request.spec().name(),
            request.version(),
            request.image().digest() != null ? request.image().digest() : IMAGE,
            request.mode() == StartRequest.StartMode.STEM_CELL
                ? ContainerInfo.ColdStart.STEM_CELL
                : ContainerInfo.ColdStart.FRESH,
            ContainerInfo.State.IDLE,
            Instant.ofEpochMilli(1_767_225_600_123L),
            Duration.ofMillis(37));
    containers.put(c.id(), c);
    return c;
  }

  @Override
  public InvocationResult invoke(String containerId, Invocation invocation) {
    called("invoke", containerId, invocation);
    return invoke.apply(containerId, invocation);
  }

  @Override
  public void stop(String containerId) {
    called("stop", containerId);
    containers.remove(containerId);
  }

  @Override
  public List<ContainerInfo> containers() {
    called("containers");
    return List.copyOf(containers.values());
  }

  @Override
  public ContainerStats stats(String containerId) {
    called("stats", containerId);
    if (!containers.containsKey(containerId)) {
      throw new NodeException(404, "no container '" + containerId + "' on node node-7");
    }
    return new ContainerStats(50L << 20, 64L << 20, 123_456_789L, 7, 1);
  }

  @Override
  public List<StemCellPool> stemCells() {
    called("stemCells");
    return List.of(
        new StemCellPool(Runtime.PYTHON, 2, 2, 5), new StemCellPool(Runtime.JAVA, 0, 1, 0));
  }

  @Override
  public String logs(String containerId, int maxBytes) {
    called("logs", containerId, maxBytes);
    return "line one\nZeile zwei: ü\n";
  }
}
