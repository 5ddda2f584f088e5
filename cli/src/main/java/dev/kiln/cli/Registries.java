package dev.kiln.cli;

import dev.kiln.builder.oci.Descriptor;
import dev.kiln.builder.store.ImageStore;
import java.io.PrintWriter;

/** Push and pull through the registry client. */
final class Registries {
  private Registries() {}

  static void push(ImageStore store, Descriptor manifest, String target, PrintWriter out) {
    throw new UnsupportedOperationException("push arrives with the registry client");
  }
}
