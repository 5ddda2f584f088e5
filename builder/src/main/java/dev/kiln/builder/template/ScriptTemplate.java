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
  Optional<BuildStep> runnerLayer(BaseImage base) throws IOException {
    LayerBuilder layer =
        LayerBuilder.create().addBytes(runnerPath(), Runners.load(runnerResource), 0644);
    if (runtime != Runtime.PYTHON) {
      return Optional.of(
          new BuildStep.AddLayer(
              "COPY " + runnerFile + " " + ImagePaths.RUNNER_DIR + "/",
              "kiln " + runtime.id() + " runner",
              layer));
    }
    // The python runner is a two-line script and the module it imports, which, unlike a script,
    // can be loaded precompiled.
    byte[] module = Runners.load(Runners.PYTHON_MODULE);
    String modulePath = ImagePaths.RUNNER_DIR + "/" + Runners.PYTHON_MODULE_FILE;
    layer.addBytes(modulePath, module, 0644);
    String version = base.name().startsWith("python-") ? base.name().substring(7) : "";
    Optional<PythonRunnerBytecode.Compiled> pyc =
        PythonRunnerBytecode.compile(
            base.executable(), version, Runners.PYTHON_MODULE_NAME, modulePath, module);
    pyc.ifPresent(
        c ->
            layer.addBytes(
                ImagePaths.RUNNER_DIR + "/__pycache__/" + c.fileName(), c.bytes(), 0644));
    return Optional.of(
        new BuildStep.AddLayer(
            "COPY "
                + runnerFile
                + " "
                + Runners.PYTHON_MODULE_FILE
                + " "
                + ImagePaths.RUNNER_DIR
                + "/",
            "kiln python runner" + (pyc.isPresent() ? ", precompiled" : ""),
            layer));
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
    // python -S: no site module. The base has no site-packages and dependencies come from
    // vendor/, so site would only cost a fresh start 4 ms (and run the distribution's hooks).
    return runtime == Runtime.PYTHON
        ? List.of(base.executable(), "-S", runnerPath())
        : List.of(base.executable(), runnerPath());
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
