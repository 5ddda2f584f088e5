package dev.kiln.builder.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.builder.base.BaseImage;
import dev.kiln.builder.build.BuildListener;
import dev.kiln.builder.build.BuildResult;
import dev.kiln.builder.build.ImageAssembler;
import dev.kiln.builder.context.BuildContext;
import dev.kiln.common.Digest;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import dev.kiln.image.layer.Layer;
import dev.kiln.image.oci.ImageConfig;
import dev.kiln.image.store.ImageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Templates against a fake, empty base: the real bases are exercised by the integration tests. */
class FunctionTemplateTest {

  private static final BaseImage FAKE_BASE =
      new BaseImage(
          "fake",
          List.of(new Layer(Digest.sha256(new byte[] {1}), Digest.sha256(new byte[] {2}), 1)),
          List.of("fake base"),
          ImageConfig.RunConfig.EMPTY,
          "/usr/bin/runtime");

  @TempDir Path tmp;

  @Test
  void pythonLayersAreRunnerDependenciesThenCode() throws Exception {
    Path fn = pythonFunction(tmp.resolve("fn"), "return 'hi'");
    Files.createDirectories(fn.resolve("vendor/lib"));
    Files.writeString(fn.resolve("vendor/lib/__init__.py"), "");
    BuildResult r = build(fn, tmp.resolve("store"));
    assertThat(r.config().history())
        .extracting(ImageConfig.History::createdBy)
        .containsSubsequence(
            "COPY runner.py kiln_runner.py /opt/kiln/runner/",
            "COPY vendor/ /opt/kiln/function/vendor/",
            "COPY . /opt/kiln/function/");
    assertThat(r.layers()).hasSize(4);
    assertThat(r.config().config().entrypoint())
        .containsExactly("/usr/bin/runtime", "-S", "/opt/kiln/runner/runner.py");
    assertThat(r.config().config().env())
        .contains("KILN_HANDLER=handler.handle", "KILN_RUNTIME=python", "GREETING=Hello");
    assertThat(r.config().config().workingDir()).isEqualTo("/opt/kiln/function");
  }

  @Test
  void sameCodeFromTwoDirectoriesGivesTheSameImage() throws Exception {
    BuildResult a = build(pythonFunction(tmp.resolve("a/fn"), "return 'hi'"), tmp.resolve("s1"));
    BuildResult b =
        build(pythonFunction(tmp.resolve("elsewhere/x/y"), "return 'hi'"), tmp.resolve("s2"));
    assertThat(b.manifest().digest()).isEqualTo(a.manifest().digest());
  }

  @Test
  void oneLineChangeRebuildsOnlyTheCodeLayer() throws Exception {
    Path store = tmp.resolve("store");
    BuildResult before = build(pythonFunction(tmp.resolve("fn"), "return 'hi'"), store);
    BuildResult after = build(pythonFunction(tmp.resolve("fn"), "return 'changed'"), store);
    List<Layer> l1 = before.layers();
    List<Layer> l2 = after.layers();
    assertThat(l2.subList(0, l2.size() - 1)).isEqualTo(l1.subList(0, l1.size() - 1));
    assertThat(l2.get(l2.size() - 1)).isNotEqualTo(l1.get(l1.size() - 1));
    assertThat(after.layersBuilt()).isEqualTo(1);
  }

  @Test
  void missingHandlerFileIsNamed() throws Exception {
    Path fn = Files.createDirectories(tmp.resolve("fn"));
    Files.writeString(fn.resolve("main.py"), "def handle(r): return 'x'");
    assertThatThrownBy(() -> build(fn, tmp.resolve("s")))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("handler 'handler.handle' needs handler.py in")
        .hasMessageContaining("which does not exist");
  }

  @Test
  void javaSourcesCompileAgainstTheSdk() throws Exception {
    Path fn = javaFunction(tmp.resolve("fn"), "return Response.ok(\"hi\");");
    BuildResult r = buildJava(fn, tmp.resolve("s"), "com.example.Hello");
    assertThat(r.config().history())
        .extracting(ImageConfig.History::createdBy)
        .contains("COPY classes/ /opt/kiln/function/classes/");
    assertThat(r.config().config().entrypoint()).contains("dev.kiln.runtime.Runner");
  }

  @Test
  void javaCompileErrorsNameFileAndLine() throws Exception {
    Path fn = javaFunction(tmp.resolve("fn"), "return nonsense;");
    assertThatThrownBy(() -> buildJava(fn, tmp.resolve("s"), "com.example.Hello"))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("compiling the java function failed with 1 error(s)")
        .hasMessageContaining("src/main/java/com/example/Hello.java:7: cannot find symbol");
  }

  @Test
  void javaHandlerClassMustExist() throws Exception {
    Path fn = javaFunction(tmp.resolve("fn"), "return Response.ok(\"hi\");");
    assertThatThrownBy(() -> buildJava(fn, tmp.resolve("s"), "com.example.Missing"))
        .hasMessageContaining(
            "handler class 'com.example.Missing' is not among the compiled classes (com.example.Hello)");
  }

  @Test
  void binaryHandlerMustBeExecutable() throws Exception {
    Path fn = Files.createDirectories(tmp.resolve("fn"));
    Files.writeString(fn.resolve("server"), "not executable");
    FunctionSpec spec = FunctionSpec.of("bin", Runtime.BINARY, "server");
    assertThatThrownBy(
            () ->
                FunctionTemplate.forRuntime(Runtime.BINARY)
                    .plan(spec, BuildContext.scan(fn), FAKE_BASE))
        .hasMessage("handler 'server' is not executable: chmod +x server");
  }

  private static Path pythonFunction(Path dir, String body) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("handler.py"), "def handle(request):\n    " + body + "\n");
    return dir;
  }

  private static Path javaFunction(Path dir, String body) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/main/java/com/example"));
    Files.writeString(
        src.resolve("Hello.java"),
        String.join(
            "\n",
            "package com.example;",
            "",
            "import dev.kiln.fn.*;",
            "",
            "public class Hello implements Handler {",
            "  public Response handle(Request request) {",
            "    " + body,
            "  }",
            "}",
            ""));
    return dir;
  }

  private static BuildResult build(Path fn, Path storeDir) throws Exception {
    FunctionSpec spec =
        new FunctionSpec(
            "hello", Runtime.PYTHON, "handler.handle", Limits.DEFAULT, Map.of("GREETING", "Hello"));
    ImageStore store = ImageStore.open(storeDir);
    return new ImageAssembler(store)
        .run(
            FunctionTemplate.forRuntime(Runtime.PYTHON)
                .plan(spec, BuildContext.scan(fn), FAKE_BASE),
            BuildListener.NONE);
  }

  private static BuildResult buildJava(Path fn, Path storeDir, String handler) throws Exception {
    FunctionSpec spec = FunctionSpec.of("hello", Runtime.JAVA, handler);
    ImageStore store = ImageStore.open(storeDir);
    return new ImageAssembler(store)
        .run(
            FunctionTemplate.forRuntime(Runtime.JAVA).plan(spec, BuildContext.scan(fn), FAKE_BASE),
            BuildListener.NONE);
  }
}
