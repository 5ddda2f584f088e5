package dev.kiln.builder;

import dev.kiln.builder.base.BaseRuntimes;
import dev.kiln.builder.build.BuildListener;
import dev.kiln.builder.build.BuildPlan;
import dev.kiln.builder.build.BuildResult;
import dev.kiln.builder.build.ImageAssembler;
import dev.kiln.builder.context.BuildContext;
import dev.kiln.builder.context.IgnoreFile;
import dev.kiln.builder.kilnfile.Kilnfile;
import dev.kiln.builder.kilnfile.KilnfilePlanner;
import dev.kiln.builder.spec.FunctionSpecReader;
import dev.kiln.builder.template.FunctionTemplate;
import dev.kiln.common.Digest;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import dev.kiln.image.layer.Layer;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.ImageConfig;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a function directory into an image in a store: the entry point of the builder.
 *
 * <p>A directory with a {@code Kilnfile} is built by that file's instructions; otherwise its {@code
 * kiln.yaml} picks the runtime template. The image is named only once every blob is in place, so a
 * failed build leaves the store's names as they were.
 */
public final class FunctionBuilder {

  /** Prefix of the built-in images a Kilnfile can start from: kiln/python, kiln/java, ... */
  public static final String BUILTIN_PREFIX = "kiln/";

  private final ImageStore store;
  private final BaseRuntimes bases;
  private final ImagePuller puller;

  /** A builder writing into {@code store} that cannot pull {@code FROM} images. */
  public FunctionBuilder(ImageStore store, BaseRuntimes bases) {
    this(store, bases, null);
  }

  /** A builder that pulls {@code FROM} images missing from the store through {@code puller}. */
  public FunctionBuilder(ImageStore store, BaseRuntimes bases, ImagePuller puller) {
    this.store = store;
    this.bases = bases;
    this.puller = puller;
  }

  /** Fetches an image from a registry into the store. */
  @FunctionalInterface
  public interface ImagePuller {
    /** Pulls {@code ref} into {@code store} and returns its manifest descriptor. */
    Descriptor pull(ImageRef ref, ImageStore store) throws IOException;
  }

  /**
   * Builds {@code dir} and names the result {@code imageName} ({@code name:tag}); with a null name,
   * the function's name and tag {@code latest} ({@code Kilnfile} builds need a name).
   */
  public BuildResult build(Path dir, String imageName, BuildListener listener) throws IOException {
    return build(dir, imageName, Map.of(), listener);
  }

  /** As {@link #build(Path, String, BuildListener)}, with Kilnfile build arguments. */
  public BuildResult build(
      Path dir, String imageName, Map<String, String> buildArgs, BuildListener listener)
      throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("function directory " + dir + " does not exist");
    }
    Path kilnfile = dir.resolve(KilnfilePlanner.FILE_NAME);
    BuildContext context = BuildContext.scan(dir, IgnoreFile.load(dir));
    BuildPlan plan;
    String name = imageName;
    if (Files.isRegularFile(kilnfile)) {
      if (name == null) {
        Optional<FunctionSpec> spec = specIfPresent(dir);
        if (spec.isEmpty()) {
          throw new IllegalArgumentException(
              "building a Kilnfile needs an image name: pass -t NAME:TAG");
        }
        name = spec.get().name() + ":latest";
      }
      plan =
          new KilnfilePlanner(this::resolveBase).plan(Kilnfile.read(kilnfile, buildArgs), context);
    } else {
      FunctionSpec spec = FunctionSpecReader.read(dir);
      name = name != null ? name : spec.name() + ":latest";
      plan =
          FunctionTemplate.forRuntime(spec.runtime())
              .plan(spec, context, bases.resolve(spec.runtime(), store));
    }
    ImageRef.parseLocal(name);
    BuildResult result = new ImageAssembler(store).run(plan, listener);
    store.tag(name, result.manifest());
    return result;
  }

  private static Optional<FunctionSpec> specIfPresent(Path dir) throws IOException {
    for (String file : FunctionSpecReader.FILE_NAMES) {
      if (Files.isRegularFile(dir.resolve(file))) {
        return Optional.of(FunctionSpecReader.read(dir));
      }
    }
    return Optional.empty();
  }

  /**
   * {@code FROM}: {@code scratch}; a built-in {@code kiln/<runtime>} image (base and runner); an
   * image in the local store; else one pulled from its registry.
   */
  private BuildPlan.Builder resolveBase(String image) throws IOException {
    if (image.equals("scratch")) {
      return new BuildPlan.Builder("scratch", ImageConfig.empty());
    }
    if (image.startsWith(BUILTIN_PREFIX)) {
      String id = image.substring(BUILTIN_PREFIX.length());
      Runtime runtime = id.equals("base") ? Runtime.BINARY : builtinRuntime(image, id);
      return FunctionTemplate.forRuntime(runtime)
          .runtimeImage(bases.resolve(runtime, store))
          .toBuilder(image);
    }
    ImageRef ref = ImageRef.parse(image);
    Optional<Descriptor> local = store.resolve(ImageRef.parseLocal(image).localName());
    Descriptor manifest;
    if (local.isPresent()) {
      manifest = local.get();
    } else if (puller != null) {
      manifest = puller.pull(ref, store);
    } else {
      throw new IllegalArgumentException(
          "image '" + image + "' is not in the local store (kiln pull " + image + " fetches it)");
    }
    Manifest m = store.readManifest(manifest.digest());
    ImageConfig config = store.readConfig(m.config().digest());
    List<Digest> diffIds = config.diffIds();
    if (diffIds.size() != m.layers().size()) {
      throw new IllegalArgumentException(
          "image '"
              + image
              + "' lists "
              + m.layers().size()
              + " layers but "
              + diffIds.size()
              + " diff_ids");
    }
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < diffIds.size(); i++) {
      Descriptor d = m.layers().get(i);
      layers.add(new Layer(d.digest(), diffIds.get(i), d.size()));
    }
    return new BuildPlan.Builder(image, config, layers);
  }

  private static Runtime builtinRuntime(String image, String id) {
    try {
      Runtime r = Runtime.parse(id);
      if (r != Runtime.BINARY) {
        return r;
      }
    } catch (IllegalArgumentException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "unknown built-in image '"
            + image
            + "' (known: kiln/base, kiln/python, kiln/node, kiln/java)");
  }
}
