package dev.kiln.builder.template;

import dev.kiln.builder.base.BaseImage;
import dev.kiln.builder.build.BuildStep;
import dev.kiln.builder.context.BuildContext;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.Runtime;
import dev.kiln.image.layer.LayerBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Python and Node.js functions: a handler file run by the runtime's runner script, with an optional
 * directory of vendored dependencies ({@code vendor/}, {@code node_modules/}) in a layer of its
 * own.
 */
final class ScriptTemplate extends FunctionTemplate {

  private final Runtime runtime;
  private final String runnerResource;
  private final String runnerFile;
  private final String depsDir;
  private final String extension;

  ScriptTemplate(
      Runtime runtime, String runnerResource, String runnerFile, String depsDir, String extension) {
    super(runtime);
    this.runtime = runtime;
    this.runnerResource = runnerResource;
    this.runnerFile = runnerFile;
    this.depsDir = depsDir;
    this.extension = extension;
  }

  @Override
  Optional<BuildStep> runnerLayer() throws IOException {
    return Optional.of(
        new BuildStep.AddLayer(
            "COPY " + runnerFile + " " + ImagePaths.RUNNER_DIR + "/",
            "kiln " + runtime.id() + " runner",
            LayerBuilder.create().addBytes(runnerPath(), Runners.load(runnerResource), 0644)));
  }

  @Override
  List<BuildStep> functionLayers(FunctionSpec spec, BuildContext context) {
    String handlerFile = handlerFile(spec.handler());
    if (!context.hasFile(handlerFile)) {
      throw new TemplateException(
          "handler '"
              + spec.handler()
              + "' needs "
              + handlerFile
              + " in "
              + context.root()
              + ", which does not exist");
    }
    List<BuildStep> steps = new ArrayList<>();
    BuildContext deps = context.subtree(depsDir);
    if (!deps.files().isEmpty()) {
      String target = ImagePaths.FUNCTION_DIR + "/" + depsDir;
      steps.add(
          new BuildStep.AddLayer(
              "COPY " + depsDir + "/ " + target + "/",
              "dependencies",
              deps.addTo(LayerBuilder.create(), target)));
    }
    BuildContext code =
        context.filter(
            p -> !isBuildMetadata(p) && !p.equals(depsDir) && !p.startsWith(depsDir + "/"));
    steps.add(
        new BuildStep.AddLayer(
            "COPY . " + ImagePaths.FUNCTION_DIR + "/",
            "function code",
            code.addTo(LayerBuilder.create(), ImagePaths.FUNCTION_DIR)));
    return steps;
  }

  @Override
  List<String> entrypoint(BaseImage base, FunctionSpec spec) {
    return List.of(base.executable(), runnerPath());
  }

  private String runnerPath() {
    return ImagePaths.RUNNER_DIR + "/" + runnerFile;
  }

  /** {@code handler.handle} names the function {@code handle} in {@code handler.py}. */
  private String handlerFile(String handler) {
    int dot = handler.lastIndexOf('.');
    if (dot <= 0 || dot == handler.length() - 1) {
      throw new TemplateException(
          "handler '" + handler + "' must be <module>.<function>, such as handler.handle");
    }
    return handler.substring(0, dot).replace('.', '/') + extension;
  }
}
