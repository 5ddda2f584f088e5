package dev.kiln.scheduler.api;

import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.InvocationResult;

/**
 * How a call was served: its result, and where and how warm.
 *
 * @param result what the call ended with
 * @param nodeId the node that ran it; null when it never reached a container (it waited in the
 *     queue past its deadline)
 * @param containerId the container that ran it, null likewise
 * @param coldStart null for a warm call; otherwise how the container started whose first call this
 *     was
 */
public record Served(
    InvocationResult result, String nodeId, String containerId, ContainerInfo.ColdStart coldStart) {

  /** {@code warm}, {@code stem-cell}, {@code fresh}, or null when no container ran the call. */
  public String start() {
    if (containerId == null) {
      return null;
    }
    if (coldStart == null) {
      return "warm";
    }
    return coldStart == ContainerInfo.ColdStart.STEM_CELL ? "stem-cell" : "fresh";
  }
}
