package dev.kiln.image.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.common.Digest;
import java.util.Map;
import java.util.TreeMap;

/**
 * An OCI content descriptor: what a blob is, its digest and size.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md">OCI
 *     descriptor</a>
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    Map<String, String> annotations,
    Platform platform) {

  /** The annotation OCI image layouts use to name an image ({@code index.json}). */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  public Descriptor {
    if (mediaType == null || mediaType.isBlank()) {
      throw new IllegalArgumentException("descriptor has no mediaType");
    }
    if (digest == null) {
      throw new IllegalArgumentException("descriptor has no digest");
    }
    if (size < 0) {
      throw new IllegalArgumentException("descriptor size is negative: " + size);
    }
    annotations =
        annotations == null || annotations.isEmpty()
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
  }

  /** A descriptor without annotations or platform. */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, Map.of(), null);
  }

  /** This descriptor with the layout ref name annotation set. */
  public Descriptor withRefName(String name) {
    TreeMap<String, String> a = new TreeMap<>(annotations);
    a.put(REF_NAME, name);
    return new Descriptor(mediaType, digest, size, a, platform);
  }

  /** The layout ref name annotation, or null. */
  public String refName() {
    return annotations.get(REF_NAME);
  }

  /** An image's platform as written in an index. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Platform(String architecture, String os, String variant) {
    /** linux/amd64, the only platform Kiln builds for today. */
    public static final Platform LINUX_AMD64 = new Platform("amd64", "linux", null);
  }
}
