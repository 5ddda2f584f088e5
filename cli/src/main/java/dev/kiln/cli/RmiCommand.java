package dev.kiln.cli;

import dev.kiln.image.store.ImageStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln rmi}: remove image names; {@code kiln gc} frees their blobs. */
@Command(
    name = "rmi",
    description = "Remove images from the local store (run kiln gc to free space).")
final class RmiCommand implements Callable<Integer> {

  @Mixin StoreOptions storeOptions;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image names.")
  List<String> images;

  @Override
  public Integer call() throws Exception {
    ImageStore store = storeOptions.open();
    int status = 0;
    for (String image : images) {
      String n = image.contains(":") ? image : image + ":latest";
      if (store.untag(n)) {
        spec.commandLine().getOut().println("Untagged: " + n);
      } else {
        spec.commandLine().getErr().println("kiln: error: no image '" + n + "' in the store");
        status = 1;
      }
    }
    return status;
  }
}
