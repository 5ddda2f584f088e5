package dev.kiln.builder.template;

import dev.kiln.common.Digest;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The python runner module compiled ahead of time. A container's root is read-only, so without a
 * {@code .pyc} its interpreter compiles the runner at every start (about 4 ms, a tenth of a fresh
 * cold start). The base's own interpreter, which is this host's (bases are assembled from it),
 * compiles it to an unchecked-hash pyc (PEP 552), which the interpreter loads without looking at
 * the source's mtime, fixed in a layer. Compiling in a fresh process gives the same bytes every
 * time, so images stay reproducible.
 *
 * <p>Nothing is compiled when that interpreter is missing here or is not the base's version: the
 * runner then still works, compiled at start as before.
 */
final class PythonRunnerBytecode {
  /** A pyc and its file name in {@code __pycache__}, e.g. {@code kiln_runner.cpython-311.pyc}. */
  record Compiled(String fileName, byte[] bytes) {}

  private static final String SCRIPT =
      "import py_compile, sys\n"
          + "src, out, dfile = sys.argv[1:]\n"
          + "py_compile.compile(src, cfile=out, dfile=dfile, doraise=True,"
          + " invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)\n"
          + "print(sys.version.split()[0], sys.implementation.cache_tag)\n";

  private static final Map<String, Optional<Compiled>> MEMO = new ConcurrentHashMap<>();

  private PythonRunnerBytecode() {}

  /**
   * Compiles {@code source}, the module {@code <moduleName>.py} at {@code imagePath}, with {@code
   * interpreter} when it reports {@code version}.
   */
  static Optional<Compiled> compile(
      String interpreter, String version, String moduleName, String imagePath, byte[] source) {
    String key = interpreter + "\0" + version + "\0" + imagePath + "\0" + Digest.sha256(source);
    return MEMO.computeIfAbsent(key, k -> run(interpreter, version, moduleName, imagePath, source));
  }

  private static Optional<Compiled> run(
      String interpreter, String version, String moduleName, String imagePath, byte[] source) {
    if (interpreter == null || !Files.isExecutable(Path.of(interpreter))) {
      return Optional.empty();
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory("kiln-pyc-");
      Path src = dir.resolve(moduleName + ".py");
      Path out = dir.resolve(moduleName + ".pyc");
      Files.write(src, source);
      Process process =
          new ProcessBuilder(
                  List.of(
                      interpreter,
                      "-I",
                      "-S",
                      "-c",
                      SCRIPT,
                      src.toString(),
                      out.toString(),
                      imagePath))
              .redirectInput(Redirect.from(new File("/dev/null")))
              .redirectError(Redirect.DISCARD)
              .start();
      String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.empty();
      }
      String[] words = printed.strip().split(" ");
      if (process.exitValue() != 0 || words.length != 2 || !words[0].equals(version)) {
        return Optional.empty();
      }
      return Optional.of(
          new Compiled(moduleName + "." + words[1] + ".pyc", Files.readAllBytes(out)));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      if (dir != null) {
        try (Stream<Path> paths = Files.walk(dir)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        } catch (IOException ignored) {
          // A temp directory left behind costs nothing but disk.
        }
      }
    }
  }
}
