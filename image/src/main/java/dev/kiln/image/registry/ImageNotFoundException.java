package dev.kiln.image.registry;

import dev.kiln.common.ImageRef;

/** The registry has no manifest for the reference (or no such repository). */
public final class ImageNotFoundException extends RegistryException {

  private final transient ImageRef image;

  /** The registry answered 404 for {@code image}'s manifest. */
  public ImageNotFoundException(ImageRef image, String registryMessage) {
    super(
        "image " + image + " not found: check the repository and tag, or push the image first",
        image.registry(),
        image.repository(),
        "pulling the manifest",
        404,
        registryMessage,
        null);
    this.image = image;
  }

  /** The reference that was not found. */
  public ImageRef image() {
    return image;
  }
}
