package dev.kiln.image.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * An image index (or Docker manifest list): manifests per platform. Also the shape of an OCI
 * layout's {@code index.json}.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/main/image-index.md">OCI image
 *     index</a>
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageIndex(
    int schemaVersion,
    String mediaType,
    List<Descriptor> manifests,
    Map<String, String> annotations) {

  public ImageIndex {
    if (schemaVersion != 2) {
      throw new IllegalArgumentException(
          "unsupported index schemaVersion " + schemaVersion + " (expected 2)");
    }
    manifests = manifests == null ? List.of() : List.copyOf(manifests);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /** An OCI index of the given manifests. */
  public static ImageIndex of(List<Descriptor> manifests) {
    return new ImageIndex(2, MediaTypes.OCI_INDEX, manifests, Map.of());
  }

  /** The manifest for linux/amd64, the platform Kiln runs on. */
  public java.util.Optional<Descriptor> linuxAmd64() {
    return manifests.stream()
        .filter(d -> d.platform() != null)
        .filter(
            d -> "linux".equals(d.platform().os()) && "amd64".equals(d.platform().architecture()))
        .findFirst();
  }
}
