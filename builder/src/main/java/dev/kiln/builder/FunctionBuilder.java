package dev.kiln.builder;

import dev.kiln.builder.base.BaseImage;
import dev.kiln.builder.base.BaseRuntimes;
import dev.kiln.builder.build.BuildListener;
import dev.kiln.builder.build.BuildPlan;
import dev.kiln.builder.build.BuildResult;
import dev.kiln.builder.build.ImageAssembler;
import dev.kiln.builder.layer.BuildContext;
import dev.kiln.builder.layer.IgnoreFile;
import dev.kiln.builder.spec.FunctionSpecReader;
import dev.kiln.builder.store.ImageStore;
import dev.kiln.builder.template.FunctionTemplate;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds a function directory into an image in a store: the entry point of the builder.
 *
 * <p>A directory with {@code kiln.yaml} is built by its runtime's template; one with a {@code
 * Kilnfile} by that file's instructions. The image is named only once every blob is in place, so a
 * failed build leaves the store's names as they were.
 */
public final class FunctionBuilder {

  private final ImageStore store;
  private final BaseRuntimes bases;

  /** A builder writing into {@code store}, taking base runtimes from {@code bases}. */
  public FunctionBuilder(ImageStore store, BaseRuntimes bases) {
    this.store = store;
    this.bases = bases;
  }

  /**
   * Builds {@code dir} and names the result {@code imageName} ({@code name:tag}); with a null name,
   * the function's name and tag {@code latest}.
   */
  public BuildResult build(Path dir, String imageName, BuildListener listener) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("function directory " + dir + " does not exist");
    }
    FunctionSpec spec = FunctionSpecReader.read(dir);
    String name = imageName != null ? imageName : spec.name() + ":latest";
    ImageRef.parseLocal(name);
    BuildContext context = BuildContext.scan(dir, IgnoreFile.load(dir));
    BaseImage base = bases.resolve(spec.runtime(), store);
    BuildPlan plan = FunctionTemplate.forRuntime(spec.runtime()).plan(spec, context, base);
    BuildResult result = new ImageAssembler(store).run(plan, listener);
    store.tag(name, result.manifest());
    return result;
  }
}
