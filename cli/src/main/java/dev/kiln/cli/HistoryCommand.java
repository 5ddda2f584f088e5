package dev.kiln.cli;

import dev.kiln.builder.image.ImageHistory;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.store.ImageStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln history}: an image's layers, like {@code docker history}. */
@Command(name = "history", description = "Show the history of an image, newest step first.")
final class HistoryCommand implements Callable<Integer> {

  @Mixin StoreOptions storeOptions;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "IMAGE", description = "Image name in the local store, e.g. hello:1.")
  String image;

  @Option(names = "--no-trunc", description = "Do not truncate the CREATED BY column.")
  boolean noTrunc;

  @Override
  public Integer call() throws Exception {
    ImageStore store = storeOptions.open();
    Descriptor d = CliImages.resolve(store, image);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%-14s %-22s %-50s %-10s %s%n", "IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
    for (ImageHistory.Row row : ImageHistory.of(store, d)) {
      String createdBy = row.createdBy() == null ? "" : row.createdBy();
      if (!noTrunc && createdBy.length() > 50) {
        createdBy = createdBy.substring(0, 47) + "...";
      }
      out.printf(
          "%-14s %-22s %-50s %-10s %s%n",
          row.layer() == null ? "<missing>" : row.layer().shortHex(),
          row.created() == null ? "" : row.created(),
          createdBy,
          Units.bytes(row.size()),
          row.comment());
    }
    return 0;
  }
}
