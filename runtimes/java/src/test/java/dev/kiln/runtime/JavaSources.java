package dev.kiln.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles function code in tests, the way a user's build would. */
final class JavaSources {

  private JavaSources() {}

  /** Compiles sources against a class path into a directory. */
  static void compile(List<Path> sources, String classPath, Path into) throws IOException {
    Files.createDirectories(into);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    List<String> args =
        new ArrayList<>(List.of("--release", "17", "-cp", classPath, "-d", into.toString()));
    sources.forEach(s -> args.add(s.toString()));
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int exit =
        compiler.run(null, OutputStream.nullOutputStream(), errors, args.toArray(String[]::new));
    if (exit != 0) {
      throw new IllegalStateException("compiling " + sources + " failed:\n" + errors);
    }
  }

  /** Packs a directory of classes into a jar. */
  static void jar(Path classes, Path jar) throws IOException {
    Files.createDirectories(jar.getParent());
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
  }

  /** Copies a directory tree. */
  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.sorted().toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }
}
