package dev.kiln.cli;

import dev.kiln.common.Digest;
import dev.kiln.common.ImageRef;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.registry.ProgressListener;
import dev.kiln.image.registry.RegistryClient;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Push and pull for the CLI. Credentials come from {@code KILN_REGISTRY_USER} and {@code
 * KILN_REGISTRY_PASSWORD}; registries listed in {@code KILN_INSECURE_REGISTRIES} (comma separated),
 * localhost and 127.0.0.1 are spoken to over plain HTTP.
 */
final class Registries {
  private Registries() {}

  static RegistryClient client() {
    String insecure = System.getenv().getOrDefault("KILN_INSECURE_REGISTRIES", "");
    Set<String> hosts =
        Arrays.stream(insecure.split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toSet());
    return RegistryClient.fromEnvironment(hosts);
  }

  static Digest push(ImageStore store, Descriptor manifest, String target, PrintWriter out)
      throws IOException {
    ImageRef ref = ImageRef.parse(target);
    Digest digest = client().push(store, manifest, ref, new Printer(out));
    out.printf("Pushed %s %s%n", ref, digest);
    return digest;
  }

  static Descriptor pull(ImageStore store, ImageRef ref, PrintWriter out) throws IOException {
    return client().pull(ref, store, new Printer(out));
  }

  /** One line per blob, as docker push prints. */
  private record Printer(PrintWriter out) implements ProgressListener {
    @Override
    public void blobSkipped(Digest digest, long size) {
      out.printf("%s: already present (%s)%n", digest.shortHex(), Units.bytes(size));
    }

    @Override
    public void blobMounted(Digest digest, long size, String fromRepository) {
      out.printf(
          "%s: mounted from %s (%s)%n", digest.shortHex(), fromRepository, Units.bytes(size));
    }

    @Override
    public void blobTransferred(Digest digest, long size) {
      out.printf("%s: transferred (%s)%n", digest.shortHex(), Units.bytes(size));
    }
  }
}
