package dev.kiln.builder.base;

import dev.kiln.image.layer.Layer;
import dev.kiln.image.oci.ImageConfig;
import dev.kiln.image.oci.ImageConfig.RunConfig;
import java.util.List;

/**
 * A base runtime in the store: the layers every function image of a runtime starts with.
 *
 * @param name short name with the runtime's version, such as {@code python-3.11.2}
 * @param layers the base's layers, root filesystem skeleton first; their blobs are in the store
 * @param createdBy one history {@code created_by} text per layer, describing what it holds
 * @param runConfig the environment a container of the base needs ({@code PATH}, {@code LANG},
 *     {@code JAVA_HOME} for Java); no entrypoint, which the runtime template sets
 * @param executable absolute in-image path of the runtime's interpreter or launcher ({@code
 *     /usr/bin/python3}, {@code /usr/bin/node}, {@code /opt/java/bin/java}); null for the {@code
 *     binary} base, which has none
 */
public record BaseImage(
    String name,
    List<Layer> layers,
    List<String> createdBy,
    RunConfig runConfig,
    String executable) {

  public BaseImage {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a base image needs a name");
    }
    layers = List.copyOf(layers);
    createdBy = List.copyOf(createdBy);
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("base image " + name + " has no layer");
    }
    if (layers.size() != createdBy.size()) {
      throw new IllegalArgumentException(
          "base image "
              + name
              + " has "
              + layers.size()
              + " layers but "
              + createdBy.size()
              + " history entries");
    }
    if (runConfig == null) {
      throw new IllegalArgumentException("base image " + name + " has no run configuration");
    }
    if (executable != null && !executable.startsWith("/")) {
      throw new IllegalArgumentException(
          "executable of base image " + name + " must be an absolute path: " + executable);
    }
  }

  /** The image configuration of the base alone: its layers, their history and the run config. */
  public ImageConfig imageConfig() {
    ImageConfig config = ImageConfig.empty();
    for (int i = 0; i < layers.size(); i++) {
      config = config.withLayer(layers.get(i).diffId(), createdBy.get(i), "kiln base " + name);
    }
    return config.withRunConfig(runConfig);
  }
}
