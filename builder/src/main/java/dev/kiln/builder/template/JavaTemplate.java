package dev.kiln.builder.template;

import dev.kiln.builder.base.BaseImage;
import dev.kiln.builder.build.BuildStep;
import dev.kiln.builder.context.BuildContext;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.Runtime;
import dev.kiln.image.layer.EntryKind;
import dev.kiln.image.layer.LayerBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Java functions: sources compiled in-process against the Kiln Java SDK, jars from {@code lib/} as
 * the dependency layer, classes and resources as the code layer, run by the Kiln Java runner on the
 * jlinked base.
 *
 * <p>Sources are {@code src/main/java/**.java} when that directory exists, else every {@code .java}
 * file outside {@code lib/}; resources come from {@code src/main/resources}.
 */
final class JavaTemplate extends FunctionTemplate {

  /**
   * JVM flags for a function container: small heaps start fastest with the serial collector, and C1
   * alone reaches steady state soonest for short-lived handlers. {@code -Xshare:auto} maps the base
   * image's CDS archive.
   */
  static final List<String> JVM_FLAGS =
      List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xss512k");

  private static final String RUNNER_JAR = ImagePaths.RUNNER_DIR + "/kiln-runtime-java.jar";

  JavaTemplate() {
    super(Runtime.JAVA);
  }

  @Override
  Optional<BuildStep> runnerLayer(BaseImage base) throws IOException {
    return Optional.of(
        new BuildStep.AddLayer(
            "COPY kiln-runtime-java.jar " + ImagePaths.RUNNER_DIR + "/",
            "kiln java runner and SDK",
            LayerBuilder.create().addBytes(RUNNER_JAR, Runners.load(Runners.JAVA), 0644)));
  }

  @Override
  List<BuildStep> functionLayers(FunctionSpec spec, BuildContext context) throws IOException {
    boolean mavenLayout =
        context.files().stream().anyMatch(f -> f.relativePath().startsWith("src/main/java/"));
    List<BuildContext.File> sources =
        context.files().stream()
            .filter(f -> f.kind() == EntryKind.FILE && f.relativePath().endsWith(".java"))
            .filter(
                f ->
                    mavenLayout
                        ? f.relativePath().startsWith("src/main/java/")
                        : !f.relativePath().startsWith("lib/"))
            .toList();
    if (sources.isEmpty()) {
      throw new TemplateException(
          "java function " + spec.name() + " has no .java sources in " + context.root());
    }
    BuildContext libs =
        context.filter(
            p -> p.startsWith("lib/") && p.endsWith(".jar") && !p.substring(4).contains("/"));
    TreeMap<String, byte[]> classes =
        JavaSources.compile(sources, libs, Runners.load(Runners.JAVA));
    String handlerClass = spec.handler().replace('.', '/') + ".class";
    if (!classes.containsKey(handlerClass)) {
      List<String> found =
          classes.keySet().stream()
              .filter(c -> !c.contains("$"))
              .map(c -> c.substring(0, c.length() - ".class".length()).replace('/', '.'))
              .toList();
      throw new TemplateException(
          "handler class '"
              + spec.handler()
              + "' is not among the compiled classes ("
              + String.join(", ", found)
              + ")");
    }
    List<BuildStep> steps = new ArrayList<>();
    if (!libs.files().isEmpty()) {
      steps.add(
          new BuildStep.AddLayer(
              "COPY lib/ " + ImagePaths.FUNCTION_DIR + "/lib/",
              "dependencies",
              libs.subtree("lib").addTo(LayerBuilder.create(), ImagePaths.FUNCTION_DIR + "/lib")));
    }
    LayerBuilder code = LayerBuilder.create();
    String classesDir = ImagePaths.FUNCTION_DIR + "/classes/";
    classes.forEach((name, bytes) -> code.addBytes(classesDir + name, bytes, 0644));
    context.subtree("src/main/resources").addTo(code, ImagePaths.FUNCTION_DIR + "/classes");
    steps.add(
        new BuildStep.AddLayer(
            "COPY classes/ " + ImagePaths.FUNCTION_DIR + "/classes/",
            "function code: " + sources.size() + " source file(s) compiled",
            code));
    return steps;
  }

  @Override
  List<String> entrypoint(BaseImage base, FunctionSpec spec) {
    List<String> entrypoint = new ArrayList<>();
    entrypoint.add(base.executable());
    entrypoint.addAll(JVM_FLAGS);
    entrypoint.addAll(List.of("-cp", RUNNER_JAR, "dev.kiln.runtime.Runner"));
    return entrypoint;
  }
}
