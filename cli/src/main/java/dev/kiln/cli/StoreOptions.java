package dev.kiln.cli;

import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the local image store lives: {@code --store}, else {@code $KILN_HOME/images}. */
final class StoreOptions {

  @Option(
      names = "--store",
      paramLabel = "DIR",
      description = "Image store (an OCI layout). Default: $KILN_HOME/images, KILN_HOME=~/.kiln.")
  Path store;

  Path directory() {
    if (store != null) {
      return store;
    }
    String home = System.getenv("KILN_HOME");
    Path base =
        home != null && !home.isBlank()
            ? Path.of(home)
            : Path.of(System.getProperty("user.home"), ".kiln");
    return base.resolve("images");
  }

  ImageStore open() throws IOException {
    return ImageStore.open(directory());
  }
}
