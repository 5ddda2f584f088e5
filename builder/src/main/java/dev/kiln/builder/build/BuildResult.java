package dev.kiln.builder.build;

import dev.kiln.image.layer.Layer;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.ImageConfig;
import java.util.List;

/**
 * A finished build.
 *
 * @param manifest descriptor of the image manifest in the store
 * @param config the image config
 * @param layers the layers, base first
 * @param layersBuilt how many layers were built rather than reused
 */
public record BuildResult(
    Descriptor manifest, ImageConfig config, List<Layer> layers, int layersBuilt) {

  public BuildResult {
    layers = List.copyOf(layers);
  }
}
