package dev.kiln.gateway.images;

import dev.kiln.builder.FunctionBuilder;
import dev.kiln.builder.base.BaseRuntimes;
import dev.kiln.gateway.boot.KilnConfig;
import dev.kiln.image.registry.ProgressListener;
import dev.kiln.image.registry.RegistryClient;
import dev.kiln.image.store.ImageStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The control plane's images: its store at {@code <data-dir>/images} (which the built-in registry
 * serves and nodes pull from), the builder writing into it, and the client pulling images into it.
 */
@ApplicationScoped
public class ControlPlaneImages {

  private final ImageStore store;
  private final RegistryClient registryClient;
  private final FunctionBuilder builder;
  private final Path scratch;

  ControlPlaneImages(KilnConfig config) {
    try {
      Path data = config.dataDir().toAbsolutePath();
      this.store = ImageStore.open(data.resolve("images"));
      this.scratch = Files.createDirectories(data.resolve("tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the image store under " + config.dataDir() + ": " + e.getMessage(), e);
    }
    Set<String> insecure = new HashSet<>(config.registry().insecure().orElse(java.util.List.of()));
    this.registryClient = RegistryClient.fromEnvironment(insecure);
    this.builder =
        new FunctionBuilder(
            store,
            BaseRuntimes.fromEnvironment(),
            (ref, target) -> registryClient.pull(ref, target, ProgressListener.NOOP));
  }

  /** The image store. */
  public ImageStore store() {
    return store;
  }

  /** The builder, writing into {@link #store()}. */
  public FunctionBuilder builder() {
    return builder;
  }

  /** The client for other registries. */
  public RegistryClient registryClient() {
    return registryClient;
  }

  /** Scratch space for unpacking archives, on the same file system as the store. */
  public Path scratch() {
    return scratch;
  }
}
