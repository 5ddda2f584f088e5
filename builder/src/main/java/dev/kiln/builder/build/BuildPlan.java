package dev.kiln.builder.build;

import dev.kiln.builder.oci.ImageConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * What to build: a starting config (empty, or a base image's) and the steps on top of it, most
 * stable first so that a code change only rebuilds the last layer.
 *
 * @param description what is being built, for progress output ("python function hello")
 * @param start the config the steps apply to
 * @param steps the steps, in order
 */
public record BuildPlan(String description, ImageConfig start, List<BuildStep> steps) {

  public BuildPlan {
    steps = List.copyOf(steps);
  }

  /** Collects steps in order. */
  public static final class Builder {
    private final String description;
    private final ImageConfig start;
    private final List<BuildStep> steps = new ArrayList<>();

    /** A plan starting from {@code start}. */
    public Builder(String description, ImageConfig start) {
      this.description = description;
      this.start = start;
    }

    /** Appends a step. */
    public Builder add(BuildStep step) {
      steps.add(step);
      return this;
    }

    /** The finished plan. */
    public BuildPlan build() {
      return new BuildPlan(description, start, steps);
    }
  }
}
