package dev.kiln.cli;

import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;

/** Looks images up by name in the local store, with an error that lists what is there. */
final class CliImages {
  private CliImages() {}

  static Descriptor resolve(ImageStore store, String name) throws IOException {
    String n = name.contains(":") || name.contains("@") ? name : name + ":latest";
    return store
        .resolve(n)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no image '"
                        + n
                        + "' in the store "
                        + store.root()
                        + " (kiln images lists them)"));
  }
}
