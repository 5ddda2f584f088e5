package dev.kiln.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.image.oci.MediaTypes;
import dev.kiln.image.oci.OciJson;
import java.io.IOException;
import java.util.Locale;

/** What kind of manifest a JSON document is, for both ends of the wire. */
final class ManifestBytes {

  /** Registries must accept manifests of at least 4 MiB; Kiln accepts no more. */
  static final int MAX_SIZE = 4 * 1024 * 1024;

  private ManifestBytes() {}

  /** Whether Kiln handles this manifest media type. */
  static boolean isSupported(String mediaType) {
    return MediaTypes.IMAGE_MANIFESTS.contains(mediaType) || MediaTypes.INDEXES.contains(mediaType);
  }

  /** The media type without parameters ({@code ; charset=utf-8}), lower case; null stays null. */
  static String baseType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semi = contentType.indexOf(';');
    String t = (semi >= 0 ? contentType.substring(0, semi) : contentType).trim();
    return t.toLowerCase(Locale.ROOT);
  }

  /**
   * The media type declared in the manifest's {@code mediaType} field, or else inferred from its
   * shape (OCI allows leaving the field out): {@code manifests} makes an index, {@code config} an
   * image manifest.
   *
   * @throws IllegalArgumentException if the bytes are not a JSON object of either shape
   */
  static String declaredType(byte[] json) {
    JsonNode root;
    try {
      root = OciJson.mapper().readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("manifest is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("manifest cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("manifest is not a JSON object");
    }
    if (root.path("mediaType").isTextual()) {
      return root.path("mediaType").asText();
    }
    if (root.has("manifests")) {
      return MediaTypes.OCI_INDEX;
    }
    if (root.has("config")) {
      return MediaTypes.OCI_MANIFEST;
    }
    throw new IllegalArgumentException("manifest has neither a config nor a manifests list");
  }

  /**
   * The media type to trust: the {@code Content-Type} when it names a manifest type, else what the
   * JSON declares.
   */
  static String mediaType(String contentType, byte[] json) {
    String fromHeader = baseType(contentType);
    if (fromHeader != null && isSupported(fromHeader)) {
      return fromHeader;
    }
    return declaredType(json);
  }
}
