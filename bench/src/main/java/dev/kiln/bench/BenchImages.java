package dev.kiln.bench;

import dev.kiln.builder.FunctionBuilder;
import dev.kiln.builder.base.BaseRuntimes;
import dev.kiln.builder.build.BuildListener;
import dev.kiln.builder.image.ImageTransfer;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The images the node benchmark runs, built in-process by Kiln's builder as {@code kiln build} does
 * ({@code system-tests}' {@code KilnImages} does the same for the integration tests): the example
 * functions and, for stem cells, each runtime's bare image (a Kilnfile of just {@code FROM
 * kiln/<runtime>}).
 */
final class BenchImages {
  private final ImageStore store;
  private final Path examples;
  private final Path sources;

  /**
   * Images in the store at {@code storeDir}.
   *
   * @param repoRoot the repository, whose {@code examples/} are built
   * @param sourcesDir where the runtime images' Kilnfiles are written
   */
  BenchImages(Path storeDir, Path repoRoot, Path sourcesDir) throws IOException {
    this.store = ImageStore.open(storeDir);
    this.examples = repoRoot.resolve("examples");
    this.sources = sourcesDir;
  }

  ImageStore store() {
    return store;
  }

  /** The example function {@code examples/<name>}, built if the store lacks it. */
  ImageRef example(String name) throws IOException {
    return build(examples.resolve(name), name + ":bench");
  }

  /** The bare runtime image of {@code runtime} that its stem cells run. */
  ImageRef runtimeImage(Runtime runtime) throws IOException {
    Path dir = sources.resolve(runtime.id() + "-runtime");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("Kilnfile"), "FROM kiln/" + runtime.id() + "\n");
    return build(dir, "runtime-" + runtime.id() + ":bench");
  }

  /** Copies an image into the OCI layout {@code layoutDir} under {@code name}, for skopeo. */
  void export(ImageRef ref, Path layoutDir, String name) throws IOException {
    ImageTransfer.copy(store, manifest(ref), ImageStore.open(layoutDir), name);
  }

  /** The manifest descriptor of a built image. */
  Descriptor manifest(ImageRef ref) throws IOException {
    return store
        .resolve(ref.localName())
        .orElseThrow(() -> new IllegalStateException("image " + ref + " is not in the store"));
  }

  private ImageRef build(Path dir, String name) throws IOException {
    ImageRef ref = ImageRef.parseLocal(name);
    if (store.resolve(ref.localName()).isEmpty()) {
      new FunctionBuilder(store, BaseRuntimes.fromEnvironment())
          .build(dir, ref.localName(), BuildListener.NONE);
    }
    return ref;
  }
}
