package dev.kiln.cli;

import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.store.ImageStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kiln images}: the images in the local store. */
@Command(name = "images", description = "List the images in the local store.")
final class ImagesCommand implements Callable<Integer> {

  @Mixin StoreOptions storeOptions;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ImageStore store = storeOptions.open();
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%-40s %-20s %-14s %s%n", "REPOSITORY", "TAG", "IMAGE ID", "SIZE");
    for (Descriptor d : store.images()) {
      String ref = d.refName();
      int colon = ref.lastIndexOf(':');
      String repo = colon > 0 ? ref.substring(0, colon) : ref;
      String tag = colon > 0 ? ref.substring(colon + 1) : "";
      long size = 0;
      if (store.hasBlob(d.digest())) {
        Manifest m = store.readManifest(d.digest());
        size = m.layers().stream().mapToLong(Descriptor::size).sum();
      }
      out.printf("%-40s %-20s %-14s %s%n", repo, tag, d.digest().shortHex(), Units.bytes(size));
    }
    return 0;
  }
}
