package dev.kiln.builder.template;

import dev.kiln.builder.base.BaseImage;
import dev.kiln.builder.build.BuildPlan;
import dev.kiln.builder.build.BuildStep;
import dev.kiln.builder.context.BuildContext;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.Runtime;
import dev.kiln.image.oci.ImageConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a function directory into a build plan for its runtime. Every template orders layers most
 * stable first, as Jib does: base runtime, runner, dependencies, code. A change to the handler then
 * rebuilds and re-pushes only the last layer.
 *
 * <p>The same template also describes the bare runtime image ({@code kiln/python} and so on): base
 * and runner without a function, which a Kilnfile can start {@code FROM}.
 */
public abstract class FunctionTemplate {

  private final Runtime runtime;

  FunctionTemplate(Runtime runtime) {
    this.runtime = runtime;
  }

  /** The template for a runtime. */
  public static FunctionTemplate forRuntime(Runtime runtime) {
    return switch (runtime) {
      case PYTHON ->
          new ScriptTemplate(Runtime.PYTHON, Runners.PYTHON, "runner.py", "vendor", ".py");
      case NODE ->
          new ScriptTemplate(Runtime.NODE, Runners.NODE, "runner.js", "node_modules", ".js");
      case JAVA -> new JavaTemplate();
      case BINARY -> new BinaryTemplate();
    };
  }

  /** Plans the image for {@code spec} with code from {@code context} on {@code base}. */
  public final BuildPlan plan(FunctionSpec spec, BuildContext context, BaseImage base)
      throws IOException {
    BuildPlan.Builder plan = startFrom(runtime.id() + " function " + spec.name(), base);
    List<BuildStep> functionLayers = functionLayers(spec, context);
    runnerLayer(base).ifPresent(plan::add);
    functionLayers.forEach(plan::add);
    addRuntimeConfig(plan, base, spec);
    return plan.build();
  }

  /**
   * Plans the runtime image without a function: base, runner, and how to start the runner. A
   * function added on top needs only its code and {@code KILN_HANDLER}.
   */
  public final BuildPlan runtimeImage(BaseImage base) throws IOException {
    BuildPlan.Builder plan = startFrom("kiln/" + runtime.id(), base);
    runnerLayer(base).ifPresent(plan::add);
    addRuntimeConfig(plan, base, null);
    return plan.build();
  }

  /** The layer holding the runner, if the runtime has one, for images on {@code base}. */
  abstract Optional<BuildStep> runnerLayer(BaseImage base) throws IOException;

  /** Checks the function and returns its dependency and code layers. */
  abstract List<BuildStep> functionLayers(FunctionSpec spec, BuildContext context)
      throws IOException;

  /** The command that starts a container of the image; {@code spec} is null for a bare runtime. */
  abstract List<String> entrypoint(BaseImage base, FunctionSpec spec);

  /** Files of a function directory that never go into an image. */
  static boolean isBuildMetadata(String relativePath) {
    int slash = relativePath.indexOf('/');
    String top = slash < 0 ? relativePath : relativePath.substring(0, slash);
    return top.equals(".git")
        || top.equals("kiln.yaml")
        || top.equals("kiln.yml")
        || top.equals(".kilnignore")
        || relativePath.contains("__pycache__");
  }

  private static BuildPlan.Builder startFrom(String description, BaseImage base) {
    BuildPlan.Builder plan =
        new BuildPlan.Builder(description, ImageConfig.empty().withRunConfig(base.runConfig()));
    for (int i = 0; i < base.layers().size(); i++) {
      plan.add(
          new BuildStep.ReuseLayer(
              base.createdBy().get(i), "kiln base " + base.name(), base.layers().get(i)));
    }
    return plan;
  }

  /** The metadata steps every image ends with; function-specific ones when {@code spec} is set. */
  private void addRuntimeConfig(BuildPlan.Builder plan, BaseImage base, FunctionSpec spec) {
    String id = runtime.id();
    String dir = ImagePaths.FUNCTION_DIR;
    plan.add(
        new BuildStep.Configure(
            "ENV KILN_RUNTIME=" + id + " KILN_CODE_DIR=" + dir,
            c -> c.withEnv("KILN_RUNTIME", id).withEnv("KILN_CODE_DIR", dir)));
    if (spec != null) {
      plan.add(envStep(Map.of("KILN_HANDLER", spec.handler())));
      if (!spec.env().isEmpty()) {
        plan.add(envStep(spec.env()));
      }
      plan.add(
          new BuildStep.Configure(
              "LABEL dev.kiln.function=" + spec.name() + " dev.kiln.runtime=" + id,
              c ->
                  c.withLabel("dev.kiln.function", spec.name()).withLabel("dev.kiln.runtime", id)));
    }
    plan.add(new BuildStep.Configure("WORKDIR " + dir, c -> c.withWorkingDir(dir)));
    List<String> entrypoint = entrypoint(base, spec);
    if (!entrypoint.isEmpty()) {
      plan.add(
          new BuildStep.Configure(
              "ENTRYPOINT " + toJson(entrypoint), c -> c.withEntrypoint(entrypoint)));
    }
  }

  private static BuildStep envStep(Map<String, String> env) {
    StringBuilder text = new StringBuilder("ENV");
    new java.util.TreeMap<>(env)
        .forEach((k, v) -> text.append(' ').append(k).append('=').append(quoteIfNeeded(v)));
    return new BuildStep.Configure(
        text.toString(),
        c -> {
          ImageConfig.RunConfig out = c;
          for (Map.Entry<String, String> e : new java.util.TreeMap<>(env).entrySet()) {
            out = out.withEnv(e.getKey(), e.getValue());
          }
          return out;
        });
  }

  private static String quoteIfNeeded(String value) {
    return value.matches("[A-Za-z0-9_./:,+@%-]*")
        ? value
        : '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  static String toJson(List<String> args) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < args.size(); i++) {
      sb.append(i == 0 ? "" : ",")
          .append('"')
          .append(args.get(i).replace("\\", "\\\\").replace("\"", "\\\""))
          .append('"');
    }
    return sb.append(']').toString();
  }
}
