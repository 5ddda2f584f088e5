package dev.kiln.scheduler.pool;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.NodeException;
import dev.kiln.common.node.StartRequest;
import dev.kiln.scheduler.api.FunctionTarget;
import dev.kiln.scheduler.api.NoCapacityException;
import dev.kiln.scheduler.api.NodeFailureException;
import dev.kiln.scheduler.node.Node;
import dev.kiln.scheduler.node.NodeRegistry;
import dev.kiln.scheduler.placement.Placement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Starts one container of a function: ranks the nodes, ensures the image on the chosen one, starts
 * the container there, and moves on to the next node when one fails.
 */
final class ContainerStarter {
  private final NodeRegistry registry;
  private final Placement placement;
  private final Clock clock;
  private final Duration failureCooldown;

  ContainerStarter(
      NodeRegistry registry, Placement placement, Clock clock, Duration failureCooldown) {
    this.registry = registry;
    this.placement = placement;
    this.clock = clock;
    this.failureCooldown = failureCooldown;
  }

  /** A container that accepts invocations, with room reserved on its node. */
  record Started(Node node, ContainerInfo info, Duration took) {}

  /**
   * Starts a container for {@code attempt}; null when the attempt was abandoned on the way.
   *
   * @throws NoCapacityException when no node has room
   * @throws NodeFailureException when every node that had room failed to start it
   */
  Started start(StartAttempt attempt) {
    FunctionTarget target = attempt.target;
    FunctionSpec spec = target.spec();
    int memory = spec.limits().memoryMiB();
    List<Node> ranked = placement.rank(registry.nodes(), spec, target.image(), clock.instant());
    if (ranked.isEmpty()) {
      throw new NoCapacityException(
          target.name(),
          registry.nodes().isEmpty()
              ? "no runtime node is registered; function '" + target.name() + "' cannot start"
              : "no runtime node has "
                  + memory
                  + " MiB of memory free for a container of function '"
                  + target.name()
                  + "'");
    }
    RuntimeException last = null;
    Node lastNode = null;
    for (Node node : ranked) {
      attempt.node = node;
      // Read after publishing the node: a node lost from now on abandons this attempt.
      if (attempt.abandoned) {
        return null;
      }
      if (node.isLost() || !node.tryReserve(memory)) {
        continue;
      }
      try {
        return startOn(node, target);
      } catch (NodeException | IllegalStateException e) {
        node.release(memory);
        node.markFailed(clock.instant().plus(failureCooldown));
        last = e;
        lastNode = node;
      }
    }
    if (last == null) {
      throw new NoCapacityException(
          target.name(),
          "the nodes with room for function '"
              + target.name()
              + "' filled up or left while it was starting");
    }
    throw new NodeFailureException(
        503,
        target.name(),
        lastNode.id(),
        "could not start a container of function '"
            + target.name()
            + "' version "
            + target.version()
            + (ranked.size() > 1 ? " on any of " + ranked.size() + " nodes; last, " : " on ")
            + "node "
            + lastNode.id()
            + ": "
            + last.getMessage(),
        last);
  }

  private static Started startOn(Node node, FunctionTarget target) {
    ImageRef image = target.image();
    // Before a node starts a container of an image it lacks, it must pull and unpack it.
    node.ensureImage(image);
    long begin = System.nanoTime();
    ContainerInfo info =
        node.api()
            .start(
                new StartRequest(
                    target.spec(), target.version(), image, StartRequest.StartMode.AUTO));
    Duration took = Duration.ofNanos(System.nanoTime() - begin);
    if (info == null || info.id() == null) {
      throw new IllegalStateException("the node answered the start without a container id");
    }
    if (info.coldStart() == ContainerInfo.ColdStart.STEM_CELL) {
      node.tookStemCell(target.spec().runtime());
    }
    return new Started(node, info, took);
  }
}
