package dev.kiln.cli;

import dev.kiln.builder.FunctionBuilder;
import dev.kiln.builder.base.BaseRuntimes;
import dev.kiln.builder.build.BuildListener;
import dev.kiln.builder.build.BuildResult;
import dev.kiln.builder.image.ImageTransfer;
import dev.kiln.image.layer.Layer;
import dev.kiln.image.store.ImageStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln build}: function directory in, layered OCI image out. */
@Command(
    name = "build",
    description = "Build a function directory (kiln.yaml or Kilnfile) into an OCI image.")
final class BuildCommand implements Callable<Integer> {

  @Mixin StoreOptions storeOptions;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "The function directory.")
  Path dir;

  @Option(
      names = {"-t", "--tag"},
      paramLabel = "NAME:TAG",
      description = "Name of the image in the store. Default: <function name>:latest.")
  String tag;

  @Option(
      names = "--output",
      paramLabel = "oci:PATH",
      description = "Also write the image to an OCI layout directory.")
  String output;

  @Option(
      names = "--push",
      paramLabel = "REGISTRY/REPO:TAG",
      description = "Also push the image to a registry.")
  String push;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path outputDir = null;
    if (output != null) {
      if (!output.startsWith("oci:") || output.length() == 4) {
        throw new IllegalArgumentException("--output must be oci:PATH, got '" + output + "'");
      }
      outputDir = Path.of(output.substring(4));
    }
    ImageStore store = storeOptions.open();
    long t0 = System.nanoTime();
    BuildResult result =
        new FunctionBuilder(
                store,
                BaseRuntimes.fromEnvironment(),
                (ref, target) -> Registries.pull(target, ref, out))
            .build(dir, tag, new Progress(out));
    String name =
        tag != null
            ? tag
            : store.images().stream()
                .filter(d -> d.digest().equals(result.manifest().digest()))
                .map(d -> d.refName())
                .findFirst()
                .orElse("");
    out.printf(
        "Built %s %s (%d of %d layers built) in %s%n",
        name,
        result.manifest().digest(),
        result.layersBuilt(),
        result.layers().size(),
        Units.millis(Duration.ofNanos(System.nanoTime() - t0)));
    if (outputDir != null) {
      ImageTransfer.copy(store, result.manifest(), ImageStore.open(outputDir), name);
      out.printf("Wrote %s to OCI layout %s%n", name, outputDir);
    }
    if (push != null) {
      Registries.push(store, result.manifest(), push, out);
    }
    return 0;
  }

  /** Prints steps like {@code docker build}. */
  private static final class Progress implements BuildListener {
    private final PrintWriter out;

    Progress(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void stepStarted(int index, int total, String createdBy) {
      out.printf("Step %d/%d : %s%n", index, total, createdBy);
    }

    @Override
    public void layerDone(Layer layer, boolean cached, Duration took) {
      out.printf(
          " ---> %s %s %s (%s)%n",
          cached ? "cached" : "built ",
          layer.digest().shortHex(),
          Units.bytes(layer.size()),
          Units.millis(took));
    }

    @Override
    public void configured() {}
  }
}
