package dev.kiln.builder.build;

import dev.kiln.image.layer.Layer;
import dev.kiln.image.oci.ImageConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * What to build: a starting config (empty, or a base image's) and the steps on top of it, most
 * stable first so that a code change only rebuilds the last layer.
 *
 * @param description what is being built, for progress output ("python function hello")
 * @param start the config the steps apply to
 * @param startLayers the layers {@code start} already lists (a base image's), base first
 * @param steps the steps, in order
 */
public record BuildPlan(
    String description, ImageConfig start, List<Layer> startLayers, List<BuildStep> steps) {

  public BuildPlan {
    startLayers = List.copyOf(startLayers);
    steps = List.copyOf(steps);
    if (start.rootfs().diffIds().size() != startLayers.size()) {
      throw new IllegalArgumentException(
          "plan "
              + description
              + " starts from a config with "
              + start.rootfs().diffIds().size()
              + " layers but is given "
              + startLayers.size());
    }
  }

  /** A builder holding this plan's start and steps, to add more steps after them. */
  public Builder toBuilder(String newDescription) {
    Builder b = new Builder(newDescription, start, startLayers);
    steps.forEach(b::add);
    return b;
  }

  /** Collects steps in order. */
  public static final class Builder {
    private final String description;
    private final ImageConfig start;
    private final List<Layer> startLayers;
    private final List<BuildStep> steps = new ArrayList<>();

    /** A plan starting from {@code start}, which lists no layers yet. */
    public Builder(String description, ImageConfig start) {
      this(description, start, List.of());
    }

    /** A plan starting from an existing image's config and layers. */
    public Builder(String description, ImageConfig start, List<Layer> startLayers) {
      this.description = description;
      this.start = start;
      this.startLayers = List.copyOf(startLayers);
    }

    /** Appends a step. */
    public Builder add(BuildStep step) {
      steps.add(step);
      return this;
    }

    /** The finished plan. */
    public BuildPlan build() {
      return new BuildPlan(description, start, startLayers, steps);
    }
  }
}
