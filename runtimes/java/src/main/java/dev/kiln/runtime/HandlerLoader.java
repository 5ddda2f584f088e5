package dev.kiln.runtime;

import dev.kiln.fn.Handler;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads a function's handler class from {@code codeDir/classes} and {@code codeDir/lib/*.jar}.
 *
 * <p>The class loader delegates to the runner's first, so a copy of the SDK packed into {@code lib}
 * does not shadow the runner's own {@code dev.kiln.fn} classes.
 */
final class HandlerLoader {

  private HandlerLoader() {}

  /** A loaded handler and the class loader of its code. */
  record LoadedFunction(String name, Handler handler, ClassLoader loader) {}

  static LoadedFunction load(String className, Path codeDir) throws InitException {
    if (!Files.isDirectory(codeDir)) {
      throw new InitException(422, "code directory " + codeDir + " does not exist");
    }
    URLClassLoader loader =
        new URLClassLoader(
            "kiln-function", classPath(codeDir), HandlerLoader.class.getClassLoader());
    Class<?> type;
    try {
      type = Class.forName(className, true, loader);
    } catch (ClassNotFoundException e) {
      throw new InitException(
          422,
          "handler class '"
              + className
              + "' not found in "
              + codeDir.resolve("classes")
              + " or "
              + codeDir.resolve("lib")
              + "/*.jar");
    } catch (ExceptionInInitializerError e) {
      throw new InitException(
          "static initialiser of " + className + " failed: " + e.getCause(), e.getCause());
    } catch (LinkageError e) {
      throw new InitException(422, "handler class '" + className + "' cannot be linked: " + e);
    }
    if (!Handler.class.isAssignableFrom(type)) {
      throw new InitException(
          422, "handler class '" + className + "' does not implement " + Handler.class.getName());
    }
    if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
      throw new InitException(
          422, "handler class '" + className + "' must be public and not abstract");
    }
    Constructor<?> constructor;
    try {
      constructor = type.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new InitException(
          422, "handler class '" + className + "' needs a public no-argument constructor");
    }
    try {
      return new LoadedFunction(className, (Handler) constructor.newInstance(), loader);
    } catch (InvocationTargetException e) {
      throw new InitException(
          "constructor of " + className + " failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new InitException(422, "cannot instantiate " + className + ": " + e);
    }
  }

  private static URL[] classPath(Path codeDir) throws InitException {
    List<URL> urls = new ArrayList<>();
    try {
      Path classes = codeDir.resolve("classes");
      if (Files.isDirectory(classes)) {
        urls.add(classes.toUri().toURL());
      }
      Path lib = codeDir.resolve("lib");
      if (Files.isDirectory(lib)) {
        // Sorted, so the class path, and thus which duplicate class wins, is the same every start.
        try (Stream<Path> jars = Files.list(lib)) {
          for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
            urls.add(jar.toUri().toURL());
          }
        }
      }
    } catch (MalformedURLException e) {
      throw new InitException(422, "cannot use code directory " + codeDir + ": " + e);
    } catch (IOException e) {
      throw new InitException(500, "cannot list " + codeDir.resolve("lib") + ": " + e);
    }
    return urls.toArray(URL[]::new);
  }
}
