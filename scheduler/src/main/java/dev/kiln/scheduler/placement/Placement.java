package dev.kiln.scheduler.placement;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.scheduler.node.Node;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Where a new container of a function goes. The pool first looks for an idle warm container;
 * failing that, nodes are ranked (see docs/architecture.md, Scheduling):
 *
 * <ol>
 *   <li>a node with a stem cell of the function's runtime ready and the image already ensured;
 *   <li>a node with the image ensured;
 *   <li>any node, least loaded first (reserved memory against capacity).
 * </ol>
 *
 * Within a rank the least loaded node comes first. Nodes without room for the function's memory
 * limit are left out; nodes in their failure cool-down come after all healthy ones. Internal to the
 * scheduler module.
 */
public final class Placement {
  private final Duration stemCellViewTtl;

  /** Placement that trusts a node's stem-cell counts for {@code stemCellViewTtl}. */
  public Placement(Duration stemCellViewTtl) {
    this.stemCellViewTtl = stemCellViewTtl;
  }

  /** The nodes that can take a container of {@code spec} running {@code image}, best first. */
  public List<Node> rank(Collection<Node> nodes, FunctionSpec spec, ImageRef image, Instant now) {
    int memory = spec.limits().memoryMiB();
    List<Candidate> candidates = new ArrayList<>();
    for (Node node : nodes) {
      if (node.isLost() || node.freeMemoryMiB() < memory) {
        continue;
      }
      candidates.add(new Candidate(node, tier(node, spec, image, now), node.isHealthy(now)));
    }
    candidates.sort(
        Comparator.comparing((Candidate c) -> !c.healthy)
            .thenComparing(Candidate::tier)
            .thenComparingDouble(c -> c.node.load())
            .thenComparingInt(c -> c.node.containers())
            .thenComparing(c -> c.node.id()));
    return candidates.stream().map(Candidate::node).toList();
  }

  private Tier tier(Node node, FunctionSpec spec, ImageRef image, Instant now) {
    if (!node.hasImage(image)) {
      return Tier.ANY;
    }
    // Only nodes that hold the image are asked about stem cells: a stem cell is specialised by
    // mounting the image's code layers, which must be unpacked there first.
    if (node.stemCellsReady(spec.runtime(), now, stemCellViewTtl) > 0) {
      return Tier.STEM_CELL_AND_IMAGE;
    }
    return Tier.IMAGE;
  }

  private record Candidate(Node node, Tier tier, boolean healthy) {}
}
