package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.builder.it.Examples;
import dev.kiln.image.store.ImageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad function directories fail with a message that says what to fix, and leave the store as it
 * was.
 */
class BadInputIT {

  @TempDir Path tmp;
  Path store;
  String indexBefore;

  @BeforeEach
  void storeWithOneImage() throws Exception {
    store = tmp.resolve("store");
    CliRun.of(
            "build",
            Examples.dir("hello-python").toString(),
            "-t",
            "good:1",
            "--store",
            store.toString())
        .ok();
    indexBefore = Files.readString(store.resolve("index.json"));
  }

  private CliRun build(Path dir, String... extra) {
    String[] args =
        Stream.concat(
                Stream.of("build", dir.toString(), "--store", store.toString()), Stream.of(extra))
            .toArray(String[]::new);
    return CliRun.of(args);
  }

  private void assertFailsWith(CliRun run, String... fragments) throws Exception {
    assertThat(run.exit()).as("exit status").isEqualTo(1);
    assertThat(run.err()).startsWith("kiln: error: ").contains(fragments);
    assertThat(Files.readString(store.resolve("index.json"))).isEqualTo(indexBefore);
    assertThat(ImageStore.open(store).resolve("good:1")).isPresent();
  }

  @Test
  void symlinkLeavingTheBuildContext() throws Exception {
    Path fn = Examples.copy("hello-python", tmp.resolve("fn"));
    Files.createSymbolicLink(fn.resolve("secrets"), Path.of("/etc/shadow"));
    assertFailsWith(
        build(fn, "-t", "bad:1"),
        "'secrets' is a symlink to '/etc/shadow', outside the build context");
  }

  @Test
  void copyFromOutsideTheContext() throws Exception {
    Path fn = Files.createDirectories(tmp.resolve("fn"));
    Files.writeString(fn.resolve("Kilnfile"), "FROM kiln/python\nCOPY ../x /opt/kiln/function/\n");
    assertFailsWith(
        build(fn, "-t", "bad:1"),
        "Kilnfile line 2: COPY source '../x' is outside the build context");
  }

  @Test
  void kilnfileSyntaxErrorNamesTheLine() throws Exception {
    Path fn = Files.createDirectories(tmp.resolve("fn"));
    Files.writeString(fn.resolve("Kilnfile"), "FROM kiln/python\n\nCOPPY a.py /x/\n");
    assertFailsWith(build(fn, "-t", "bad:1"), "Kilnfile line 3: unknown instruction 'COPPY'");
  }

  @Test
  void runIsRefusedWithTheReason() throws Exception {
    Path fn = Files.createDirectories(tmp.resolve("fn"));
    Files.writeString(fn.resolve("Kilnfile"), "FROM kiln/python\nRUN pip install flask\n");
    assertFailsWith(build(fn, "-t", "bad:1"), "Kilnfile line 2: RUN is not supported yet");
  }

  @Test
  void missingHandler() throws Exception {
    Path fn = Examples.copy("hello-python", tmp.resolve("fn"));
    Files.delete(fn.resolve("handler.py"));
    assertFailsWith(
        build(fn), "handler 'handler.handle' needs handler.py in", "which does not exist");
  }

  @Test
  void unknownRuntime() throws Exception {
    Path fn = Examples.copy("hello-python", tmp.resolve("fn"));
    Files.writeString(fn.resolve("kiln.yaml"), "name: x\nruntime: cobol\nhandler: main\n");
    assertFailsWith(build(fn), "kiln.yaml: runtime:", "unknown runtime 'cobol'");
  }

  @Test
  void missingDirectoryAndBadOutput() throws Exception {
    assertFailsWith(build(tmp.resolve("nope")), "function directory", "does not exist");
    assertFailsWith(
        build(Examples.dir("hello-python"), "--output", "tar:/tmp/x"), "--output must be oci:PATH");
  }

  @Test
  void javaCompileErrorPointsAtTheLine() throws Exception {
    Path fn = Examples.copy("hello-java", tmp.resolve("fn"));
    Path src;
    try (Stream<Path> s = Files.walk(fn)) {
      src = s.filter(p -> p.toString().endsWith(".java")).findFirst().orElseThrow();
    }
    Files.writeString(src, Files.readString(src).replaceFirst("return ", "return oops + "));
    assertFailsWith(build(fn), "compiling the java function failed", "cannot find symbol");
  }
}
