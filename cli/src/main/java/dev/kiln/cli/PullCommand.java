package dev.kiln.cli;

import dev.kiln.common.ImageRef;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.store.ImageStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln pull}: an image from a registry into the local store. */
@Command(name = "pull", description = "Pull an image from a registry into the local store.")
final class PullCommand implements Callable<Integer> {

  @Mixin StoreOptions storeOptions;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "REFERENCE", description = "e.g. 127.0.0.1:5000/fn/hello:1.")
  String reference;

  @Option(
      names = {"-t", "--tag"},
      paramLabel = "NAME:TAG",
      description = "Name in the local store. Default: the reference as given.")
  String tag;

  @Override
  public Integer call() throws Exception {
    ImageStore store = storeOptions.open();
    ImageRef ref = ImageRef.parse(reference);
    Descriptor d = Registries.pull(store, ref, spec.commandLine().getOut());
    String name = tag != null ? tag : ref.toString();
    store.tag(name, d);
    spec.commandLine().getOut().printf("Pulled %s %s%n", name, d.digest());
    return 0;
  }
}
