package dev.kiln.cli;

import dev.kiln.image.store.GcResult;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kiln gc}: delete blobs no image refers to. */
@Command(name = "gc", description = "Delete blobs that no image in the local store refers to.")
final class GcCommand implements Callable<Integer> {

  @Mixin StoreOptions storeOptions;
  @Spec CommandSpec spec;

  @Option(
      names = "--grace",
      defaultValue = "PT10M",
      description =
          "Keep unreferenced blobs younger than this (ISO-8601, default ${DEFAULT-VALUE}): a build"
              + " running now may not have named its image yet.")
  Duration grace;

  @Override
  public Integer call() throws Exception {
    GcResult r = storeOptions.open().gc(grace);
    spec.commandLine()
        .getOut()
        .printf(
            "Deleted %d blob(s), %s freed; %d kept%n",
            r.blobsRemoved(), Units.bytes(r.bytesFreed()), r.blobsKept());
    return 0;
  }
}
