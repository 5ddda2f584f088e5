package dev.kiln.cli;

import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.store.ImageStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln push}: an image from the local store to a registry. */
@Command(name = "push", description = "Push an image from the local store to a registry.")
final class PushCommand implements Callable<Integer> {

  @Mixin StoreOptions storeOptions;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "Local image name, e.g. hello:1.")
  String image;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "TARGET",
      description = "Registry reference, e.g. 127.0.0.1:5000/fn/hello:1. Default: IMAGE.")
  String target;

  @Override
  public Integer call() throws Exception {
    ImageStore store = storeOptions.open();
    Descriptor d = CliImages.resolve(store, image);
    Registries.push(store, d, target != null ? target : image, spec.commandLine().getOut());
    return 0;
  }
}
