package dev.kiln.builder.build;

import dev.kiln.image.layer.Layer;
import java.time.Duration;

/** Progress of a build, step by step, for the CLI and the API's build events. */
public interface BuildListener {

  /** Does nothing. */
  BuildListener NONE = new BuildListener() {};

  /** A step starts. {@code index} counts from 1. */
  default void stepStarted(int index, int total, String createdBy) {}

  /** A step produced a layer; {@code cached} when an identical layer was reused. */
  default void layerDone(Layer layer, boolean cached, Duration took) {}

  /** A step changed the configuration only. */
  default void configured() {}
}
