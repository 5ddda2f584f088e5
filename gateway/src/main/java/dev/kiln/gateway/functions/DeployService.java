package dev.kiln.gateway.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.builder.build.BuildListener;
import dev.kiln.builder.build.BuildResult;
import dev.kiln.builder.kilnfile.KilnfilePlanner;
import dev.kiln.builder.spec.FunctionSpecReader;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import dev.kiln.gateway.boot.KilnConfig;
import dev.kiln.gateway.builds.ArchiveUnpacker;
import dev.kiln.gateway.builds.BuildEvent;
import dev.kiln.gateway.builds.BuildProgress;
import dev.kiln.gateway.builds.Builds;
import dev.kiln.gateway.images.ControlPlaneImages;
import dev.kiln.gateway.problem.ApiException;
import dev.kiln.image.layer.Layer;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.registry.ProgressListener;
import dev.kiln.image.store.ImageStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Deploys functions: from a {@code .tar.gz} of a function directory (unpacked safely, built into
 * the control plane's store) or from an image reference (pulled into it). Either way the result is
 * a new immutable version that becomes current.
 */
@ApplicationScoped
public class DeployService {

  private final ControlPlaneImages images;
  private final Builds builds;
  private final Functions functions;
  private final ArchiveUnpacker unpacker;

  DeployService(ControlPlaneImages images, Builds builds, Functions functions, KilnConfig config) {
    this.images = images;
    this.builds = builds;
    this.functions = functions;
    this.unpacker =
        new ArchiveUnpacker(
            config.deploy().maxUnpackedSize().asLongValue(), config.deploy().maxEntries());
  }

  /**
   * A build under way.
   *
   * @param build its id
   * @param function the function's name
   * @param result the version, when the build has finished
   */
  public record Started(UUID build, String function, Future<Views.VersionView> result) {}

  /**
   * What the archive says about the function: its name, and its spec unless it is a Kilnfile; and
   * the scaling settings of the deploy.
   */
  private record Prepared(String name, FunctionSpec spec, Views.Scaling scaling) {
    Prepared with(Views.Scaling value) {
      return new Prepared(name, spec, value);
    }
  }

  /**
   * Unpacks {@code archive} and starts building it. Problems with the archive or its {@code
   * kiln.yaml} are thrown here, before a build is recorded.
   *
   * @param nameOverride the function's name, instead of the one in {@code kiln.yaml}; required for
   *     a Kilnfile without {@code kiln.yaml}
   */
  public Started deployArchive(InputStream archive, String nameOverride) throws IOException {
    return deployArchive(archive, nameOverride, null);
  }

  /**
   * As {@link #deployArchive(InputStream, String)}, also changing the function's scaling settings
   * (those given) with the new version.
   */
  public Started deployArchive(InputStream archive, String nameOverride, Views.Scaling scaling)
      throws IOException {
    Path work = Files.createTempDirectory(images.scratch(), "deploy-");
    try {
      Path dir = work.resolve("function");
      unpacker.unpack(archive, dir);
      Prepared prepared = prepare(dir, blankToNull(nameOverride)).with(scaling);
      BuildProgress progress = builds.start(prepared.name());
      Future<Views.VersionView> result =
          builds.submit(
              () -> {
                try {
                  return build(progress, dir, prepared);
                } finally {
                  deleteTree(work);
                }
              });
      return new Started(progress.id(), prepared.name(), result);
    } catch (IOException | RuntimeException e) {
      deleteTree(work);
      throw e;
    }
  }

  /** Waits for a build; its failure is thrown as it was, for the problem mappers. */
  public static Views.VersionView await(Future<Views.VersionView> result) throws Exception {
    try {
      return result.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  private Prepared prepare(Path dir, String nameOverride) throws IOException {
    boolean hasSpec =
        FunctionSpecReader.FILE_NAMES.stream().anyMatch(f -> Files.isRegularFile(dir.resolve(f)));
    if (hasSpec) {
      FunctionSpec spec = FunctionSpecReader.read(dir);
      if (nameOverride != null && !nameOverride.equals(spec.name())) {
        spec =
            new FunctionSpec(
                nameOverride, spec.runtime(), spec.handler(), spec.limits(), spec.env());
        // The image carries its name (label, kiln.yaml): build it under the name it is deployed as.
        for (String f : FunctionSpecReader.FILE_NAMES) {
          Files.deleteIfExists(dir.resolve(f));
        }
        Files.writeString(dir.resolve("kiln.yaml"), FunctionSpecReader.toYaml(spec));
      }
      return new Prepared(spec.name(), spec, null);
    }
    if (Files.isRegularFile(dir.resolve(KilnfilePlanner.FILE_NAME))) {
      if (nameOverride == null) {
        throw ApiException.badRequest(
            "the archive has a Kilnfile but no kiln.yaml: name the function with ?name=NAME"
                + " (kiln deploy DIR --name NAME)");
      }
      // Validates the name as kiln.yaml would.
      FunctionSpec.of(nameOverride, Runtime.BINARY, "entrypoint");
      return new Prepared(nameOverride, null, null);
    }
    throw new dev.kiln.builder.spec.SpecException(
        "kiln.yaml",
        null,
        "the archive holds neither kiln.yaml nor a Kilnfile at its top level; archive the"
            + " function directory's contents (tar -czf fn.tar.gz -C DIR .)");
  }

  private Views.VersionView build(BuildProgress progress, Path dir, Prepared prepared)
      throws Exception {
    String buildTag = prepared.name() + ":build-" + progress.id().toString().substring(0, 8);
    try {
      BuildResult result = images.builder().build(dir, buildTag, listener(progress));
      FunctionSpec spec =
          prepared.spec() != null
              ? prepared.spec()
              : ImageSpecs.fromConfig(prepared.name(), result.config());
      Views.VersionView version =
          functions.record(
              spec,
              result.manifest(),
              "archive",
              new Views.BuildSummary(progress.id(), result.layers().size(), result.layersBuilt()),
              prepared.scaling());
      builds.succeeded(progress, version.version(), version.digest());
      return version;
    } catch (Exception e) {
      builds.failed(progress, message(e));
      throw e;
    } finally {
      images.store().untag(buildTag);
    }
  }

  private static BuildListener listener(BuildProgress progress) {
    return new BuildListener() {
      @Override
      public void stepStarted(int index, int total, String createdBy) {
        progress.emit(
            BuildEvent.line("step", String.format("Step %d/%d : %s", index, total, createdBy)));
      }

      @Override
      public void layerDone(Layer layer, boolean cached, Duration took) {
        progress.emit(
            BuildEvent.line(
                "layer",
                String.format(
                    Locale.ROOT,
                    " ---> %s %s %d bytes (%d ms)",
                    cached ? "cached" : "built ",
                    layer.digest().shortHex(),
                    layer.size(),
                    took.toMillis())));
      }
    };
  }

  /**
   * Deploys the image {@code request.image()} as a new version of {@code name}: pulled into the
   * control plane's store (blobs it already has are not downloaded).
   */
  public Views.VersionView deployImage(String name, Views.ImageDeploy request) throws IOException {
    return deployImage(name, request, null);
  }

  /** As {@link #deployImage(String, Views.ImageDeploy)}, also changing the scaling settings. */
  public Views.VersionView deployImage(
      String name, Views.ImageDeploy request, Views.Scaling scaling) throws IOException {
    if (request == null || request.image() == null || request.image().isBlank()) {
      throw ApiException.badRequest(
          "send a JSON body such as {\"image\": \"registry.example.com/team/fn:1\", \"spec\":"
              + " {\"runtime\": \"python\"}}");
    }
    ImageRef ref = ImageRef.parse(request.image());
    FunctionSpec spec = null;
    if (request.spec() != null && !request.spec().isNull()) {
      spec = specFor(name, request.spec());
    }
    ImageStore store = images.store();
    Descriptor manifest = images.registryClient().pull(ref, store, ProgressListener.NOOP);
    if (spec == null) {
      Manifest m = store.readManifest(manifest.digest());
      spec = ImageSpecs.fromConfig(name, store.readConfig(m.config().digest()));
    }
    return functions.record(spec, manifest, "image", null, scaling);
  }

  private static FunctionSpec specFor(String name, JsonNode node) {
    if (!node.isObject()) {
      throw ApiException.badRequest("spec must be a JSON object with kiln.yaml's keys");
    }
    ObjectNode spec = ((ObjectNode) node).deepCopy();
    JsonNode given = spec.get("name");
    if (given != null && !given.asText().equals(name)) {
      throw ApiException.badRequest(
          "spec.name '" + given.asText() + "' differs from the function '" + name + "' in the URL");
    }
    spec.put("name", name);
    return SpecJson.read(spec, "spec");
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // Scratch space: what cannot be removed now is removed with the next tmp sweep.
                }
              });
    } catch (IOException ignored) {
      // As above.
    }
  }
}
