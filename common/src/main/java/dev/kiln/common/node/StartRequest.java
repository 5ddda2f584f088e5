package dev.kiln.common.node;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;

/**
 * Start a container of a function version.
 *
 * @param spec the function's spec: runtime, handler, limits, env
 * @param version the function version the container serves
 * @param image the image, pinned by digest where the caller knows it
 * @param mode how to start it
 */
public record StartRequest(FunctionSpec spec, int version, ImageRef image, StartMode mode) {

  public StartRequest {
    if (spec == null || image == null) {
      throw new IllegalArgumentException("a start request needs a function spec and an image");
    }
    if (version < 1) {
      throw new IllegalArgumentException("function versions start at 1, got " + version);
    }
    if (mode == null) {
      mode = StartMode.AUTO;
    }
  }

  /** How a container is started. */
  public enum StartMode {
    /** A stem cell when one of the runtime is ready and the image shares its base, else fresh. */
    AUTO,
    /** Always a new container from the image. */
    FRESH,
    /** Only from a stem cell; fails when none fits. */
    STEM_CELL
  }
}
