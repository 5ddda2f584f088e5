package dev.kiln.builder.build;

import dev.kiln.image.layer.Layer;
import dev.kiln.image.layer.LayerBuilder;
import dev.kiln.image.oci.ImageConfig.RunConfig;
import java.util.function.UnaryOperator;

/**
 * One step of a build plan, one history entry in the image. A step either adds a layer (built, or
 * reused when an identical one exists) or only changes the run configuration.
 */
public sealed interface BuildStep {

  /** The history {@code created_by} text, as {@code docker history} shows it. */
  String createdBy();

  /** A step that adds the files of a {@link LayerBuilder}. */
  record AddLayer(String createdBy, String comment, LayerBuilder layer) implements BuildStep {}

  /** A step whose layer exists already (a base image's layer). */
  record ReuseLayer(String createdBy, String comment, Layer layer) implements BuildStep {}

  /** A step that changes metadata only: {@code empty_layer} in the history. */
  record Configure(String createdBy, UnaryOperator<RunConfig> change) implements BuildStep {}
}
