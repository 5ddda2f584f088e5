package dev.kiln.image.oci;

import java.util.Set;

/**
 * Media types Kiln writes and reads. Kiln writes OCI types; it reads Docker schema 2 types too,
 * since registries serve them.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/main/media-types.md">OCI media
 *     types</a>
 */
public final class MediaTypes {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** Manifest types that describe one image. */
  public static final Set<String> IMAGE_MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);

  /** Manifest types that list images per platform. */
  public static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);

  /** Layer types Kiln can unpack. */
  public static final Set<String> LAYERS = Set.of(OCI_LAYER_GZIP, OCI_LAYER_TAR, DOCKER_LAYER_GZIP);

  private MediaTypes() {}
}
