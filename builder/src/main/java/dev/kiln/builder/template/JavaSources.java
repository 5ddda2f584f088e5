package dev.kiln.builder.template;

import dev.kiln.builder.context.BuildContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/** Compiles a Java function's sources in-process with the JDK's compiler (javax.tools). */
final class JavaSources {

  private static final int MAX_ERRORS_SHOWN = 10;

  private JavaSources() {}

  /**
   * Compiles {@code sources} against the SDK in {@code runnerJar} and the jars in {@code libs},
   * returning class file bytes by path ({@code com/example/Hello.class}), sorted.
   */
  static TreeMap<String, byte[]> compile(
      List<BuildContext.File> sources, BuildContext libs, byte[] runnerJar) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new TemplateException(
          "building a java function needs a JDK (javac), but Kiln runs on a JRE: set JAVA_HOME to a JDK");
    }
    Path work = Files.createTempDirectory("kiln-javac");
    try {
      Path sdk = work.resolve("kiln-runtime-java.jar");
      Files.write(sdk, runnerJar);
      Path out = Files.createDirectories(work.resolve("classes"));
      List<java.io.File> classpath = new ArrayList<>();
      classpath.add(sdk.toFile());
      for (BuildContext.File lib : libs.files()) {
        classpath.add(lib.path().toFile());
      }
      DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
      try (StandardJavaFileManager files =
          javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
        files.setLocation(StandardLocation.CLASS_OUTPUT, List.of(out.toFile()));
        files.setLocation(StandardLocation.CLASS_PATH, classpath);
        Iterable<? extends JavaFileObject> units =
            files.getJavaFileObjectsFromPaths(
                sources.stream().map(BuildContext.File::path).toList());
        // --release pins the class file version and API to what the base runtime provides;
        // -implicit:none keeps classes from the classpath out of the output.
        List<String> options =
            List.of(
                "--release", "17", "-encoding", "UTF-8", "-proc:none", "-implicit:none", "-nowarn");
        boolean ok = javac.getTask(null, files, diagnostics, options, null, units).call();
        if (!ok) {
          throw new TemplateException(describe(diagnostics, sources));
        }
      }
      TreeMap<String, byte[]> classes = new TreeMap<>();
      try (Stream<Path> walk = Files.walk(out)) {
        for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
          classes.put(out.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
        }
      }
      return classes;
    } finally {
      try (Stream<Path> walk = Files.walk(work)) {
        for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static String describe(
      DiagnosticCollector<JavaFileObject> diagnostics, List<BuildContext.File> sources) {
    List<Diagnostic<? extends JavaFileObject>> errors =
        diagnostics.getDiagnostics().stream()
            .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
            .toList();
    StringBuilder sb =
        new StringBuilder(
            "compiling the java function failed with " + errors.size() + " error(s):");
    for (Diagnostic<? extends JavaFileObject> d :
        errors.subList(0, Math.min(errors.size(), MAX_ERRORS_SHOWN))) {
      String file = d.getSource() == null ? "?" : relative(d.getSource().getName(), sources);
      sb.append("\n  ")
          .append(file)
          .append(':')
          .append(d.getLineNumber())
          .append(": ")
          .append(d.getMessage(Locale.ROOT).lines().findFirst().orElse(""));
    }
    if (errors.size() > MAX_ERRORS_SHOWN) {
      sb.append("\n  ... and ").append(errors.size() - MAX_ERRORS_SHOWN).append(" more");
    }
    return sb.toString();
  }

  private static String relative(String absolute, List<BuildContext.File> sources) {
    for (BuildContext.File f : sources) {
      if (f.path().toString().equals(absolute)) {
        return f.relativePath();
      }
    }
    return absolute;
  }
}
