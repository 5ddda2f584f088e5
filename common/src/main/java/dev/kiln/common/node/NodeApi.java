package dev.kiln.common.node;

import dev.kiln.common.ImageRef;
import java.util.List;

/**
 * What the scheduler asks of a runtime node. Two implementations: the node engine itself, in the
 * same process (all-in-one), and a client of the node agent's HTTP API (a remote node). Both behave
 * the same; failures of the node itself are {@link NodeException}s, outcomes of a function are
 * {@link InvocationResult}s.
 */
public interface NodeApi {

  /** Identity, capacity and current use of the node. */
  NodeInfo info();

  /**
   * Makes an image ready to start: pulls what the node lacks and unpacks its layers into the layer
   * cache. Idempotent and cheap when the image is there already.
   */
  ImageStatus ensureImage(ImageRef image);

  /** Starts a container of a function; returns once it accepts invocations. */
  ContainerInfo start(StartRequest request);

  /**
   * Sends one invocation to a container and waits for the answer, at most until the invocation's
   * deadline. A container that overruns is killed (the result is a {@link
   * InvocationResult.Timeout}) and must be replaced.
   */
  InvocationResult invoke(String containerId, Invocation invocation);

  /** Stops and removes a container; unknown ids are ignored. */
  void stop(String containerId);

  /** Every container on the node. */
  List<ContainerInfo> containers();

  /** Resource use of one container, from its cgroup. */
  ContainerStats stats(String containerId);

  /** The stem-cell pools, per runtime. */
  List<StemCellPool> stemCells();

  /** The tail of a container's stdout and stderr, at most {@code maxBytes}. */
  String logs(String containerId, int maxBytes);
}
