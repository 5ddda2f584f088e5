package dev.kiln.image.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * An image manifest: the config blob and the layers, base first.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/main/manifest.md">OCI image
 *     manifest</a>
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Manifest(
    int schemaVersion,
    String mediaType,
    Descriptor config,
    List<Descriptor> layers,
    Map<String, String> annotations) {

  public Manifest {
    if (schemaVersion != 2) {
      throw new IllegalArgumentException(
          "unsupported manifest schemaVersion " + schemaVersion + " (expected 2)");
    }
    if (config == null) {
      throw new IllegalArgumentException("manifest has no config descriptor");
    }
    layers = layers == null ? List.of() : List.copyOf(layers);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /** An OCI manifest for a config and layers. */
  public static Manifest oci(Descriptor config, List<Descriptor> layers) {
    return new Manifest(2, MediaTypes.OCI_MANIFEST, config, layers, Map.of());
  }
}
