package dev.kiln.scheduler.api;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;

/**
 * A function version the scheduler serves: what to start, and how to scale it.
 *
 * @param spec the function's spec (name, runtime, handler, limits, env)
 * @param version the version its containers serve
 * @param image the version's image, pinned by digest where known
 * @param policy how its containers scale ({@link ScalingPolicy#DEFAULT} when null)
 */
public record FunctionTarget(FunctionSpec spec, int version, ImageRef image, ScalingPolicy policy) {

  public FunctionTarget {
    if (spec == null) {
      throw new IllegalArgumentException("a function target needs a spec");
    }
    if (image == null) {
      throw new IllegalArgumentException("function '" + spec.name() + "' needs an image");
    }
    if (version < 1) {
      throw new IllegalArgumentException(
          "function '" + spec.name() + "': versions start at 1, got " + version);
    }
    if (policy == null) {
      policy = ScalingPolicy.DEFAULT;
    }
  }

  /** A target with the default scaling policy. */
  public static FunctionTarget of(FunctionSpec spec, int version, ImageRef image) {
    return new FunctionTarget(spec, version, image, ScalingPolicy.DEFAULT);
  }

  /** The function's name. */
  public String name() {
    return spec.name();
  }

  /** True when containers of {@code other} can serve this target: same version, spec and image. */
  public boolean sameContainersAs(FunctionTarget other) {
    return other != null
        && version == other.version
        && spec.equals(other.spec)
        && image.equals(other.image);
  }
}
