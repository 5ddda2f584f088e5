package dev.kiln.runtime;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The three Kiln runners, started as plain host processes. */
enum RunnerKind {
  JAVA("echo.Echo") {
    @Override
    List<String> command() {
      String java = ProcessHandle.current().info().command().orElse("java");
      return List.of(java, "-cp", classes().toString(), Runner.class.getName());
    }

    @Override
    void writeEchoHandler(Path codeDir) throws IOException {
      JavaSources.copyTree(compiledEcho(), codeDir);
    }

    @Override
    void writeExample(Path codeDir) throws IOException {
      Path source = example().resolve("src/main/java/com/example/Hello.java");
      JavaSources.compile(List.of(source), classes().toString(), codeDir.resolve("classes"));
    }
  },
  PYTHON("handler.handle") {
    @Override
    List<String> command() {
      return List.of("python3", moduleDir().resolve("../python/runner.py").normalize().toString());
    }

    @Override
    void writeEchoHandler(Path codeDir) throws IOException {
      copyResource("/echo/handler.py", codeDir.resolve("handler.py"));
    }

    @Override
    void writeExample(Path codeDir) throws IOException {
      Files.createDirectories(codeDir);
      Files.copy(example().resolve("handler.py"), codeDir.resolve("handler.py"));
    }
  },
  NODE("handler.handle") {
    @Override
    List<String> command() {
      return List.of("node", moduleDir().resolve("../node/runner.js").normalize().toString());
    }

    @Override
    void writeEchoHandler(Path codeDir) throws IOException {
      copyResource("/echo/handler.js", codeDir.resolve("handler.js"));
    }

    @Override
    void writeExample(Path codeDir) throws IOException {
      Files.createDirectories(codeDir);
      Files.copy(example().resolve("handler.js"), codeDir.resolve("handler.js"));
    }
  };

  private static Path compiledEcho;

  private final String echoHandler;

  RunnerKind(String echoHandler) {
    this.echoHandler = echoHandler;
  }

  /** The handler name of the echo function written by {@link #writeEchoHandler}. */
  String echoHandler() {
    return echoHandler;
  }

  /** The command line that starts this runner. */
  abstract List<String> command();

  /**
   * Writes the echo function the tests call into a code directory: {@code /fail} throws {@code
   * kaboom}, {@code /raw} answers 201 with the request body, {@code /json} returns an object,
   * {@code /sleep} sleeps 3 s, and any other path answers {@code key=value} lines describing the
   * request.
   */
  abstract void writeEchoHandler(Path codeDir) throws IOException;

  /**
   * Writes this runtime's hello example into a code directory, compiled where the language needs
   * it, as the builder will package it.
   */
  abstract void writeExample(Path codeDir) throws IOException;

  /** The example's directory, {@code examples/hello-<runtime>}, holding its {@code kiln.yaml}. */
  Path example() {
    return moduleDir().resolve("../../examples/hello-" + name().toLowerCase()).normalize();
  }

  static Path moduleDir() {
    return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  }

  static Path classes() {
    return moduleDir().resolve("target/classes");
  }

  /**
   * Compiles the Java echo function once per test run: {@code classes/echo/Echo.class} uses a
   * helper class from {@code lib/lines.jar}.
   */
  private static synchronized Path compiledEcho() throws IOException {
    if (compiledEcho == null) {
      Path work = Files.createTempDirectory("kiln-echo-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(work)));
      Path sources = work.resolve("src");
      copyResource("/echo/Lines.java", sources.resolve("Lines.java"));
      copyResource("/echo/Echo.java", sources.resolve("Echo.java"));
      Path code = work.resolve("code");
      Path lib = code.resolve("lib/lines.jar");
      JavaSources.compile(List.of(sources.resolve("Lines.java")), "", work.resolve("lib-classes"));
      JavaSources.jar(work.resolve("lib-classes"), lib);
      JavaSources.compile(
          List.of(sources.resolve("Echo.java")),
          classes() + File.pathSeparator + lib,
          code.resolve("classes"));
      compiledEcho = code;
    }
    return compiledEcho;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // A leftover temporary directory is harmless.
    }
  }

  static void copyResource(String name, Path to) {
    try (InputStream in = RunnerKind.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + name + " is missing");
      }
      Files.createDirectories(to.getParent());
      Files.copy(in, to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
