package dev.kiln.builder.base;

import dev.kiln.common.Runtime;
import dev.kiln.image.layer.LayerBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Bytecode for the python base's standard library. A function container's root is read-only, so
 * without {@code .pyc} files every fresh interpreter compiles each module it imports again (about
 * 0.4 s for the runner's imports at half a core).
 *
 * <p>The files are unchecked-hash pycs (PEP 552): the interpreter uses them without comparing them
 * to the source, which matters because a layer gives every file the same fixed mtime, so the host's
 * timestamp-checked pycs would all look stale. They are compiled by the base's own interpreter into
 * a work directory ({@code -X pycache_prefix}), then placed in the usual {@code __pycache__}
 * directories beside their sources.
 */
final class PythonBytecode {

  private PythonBytecode() {}

  /**
   * Compiles the kept part of {@code stdlib} and adds the pycs to {@code layer}; returns how many.
   */
  static int add(Path interpreter, Path stdlib, Path workDir, LayerBuilder layer)
      throws IOException {
    Path prefix = workDir.resolve("pycache");
    String excluded =
        PythonBase.PRUNED_DIRECTORIES.stream()
            .filter(d -> !d.equals("__pycache__"))
            .sorted()
            .collect(Collectors.joining("|", "/(", ")/|/config-"));
    // Some sources fail to compile on purpose (test data, other Python versions' grammar); the
    // exit status says so, but every file that compiled is still good to ship.
    HostCommand.run(
        Runtime.PYTHON,
        List.of(
            interpreter.toString(),
            "-I",
            "-X",
            "pycache_prefix=" + prefix,
            "-m",
            "compileall",
            // -f: compileall's own imports leave timestamp pycs in the prefix as it runs, which
            // it would otherwise take as up to date and ship.
            "-f",
            "-q",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            "-x",
            excluded,
            stdlib.toString()));
    if (!Files.isDirectory(prefix)) {
      return 0;
    }
    int count = 0;
    try (Stream<Path> walk = Files.walk(prefix)) {
      for (Path pyc :
          (Iterable<Path>) walk.filter(p -> p.toString().endsWith(".pyc")).sorted()::iterator) {
        // <prefix>/usr/lib/python3.11/json/__init__.cpython-311.pyc belongs at
        // /usr/lib/python3.11/json/__pycache__/__init__.cpython-311.pyc.
        Path relative = prefix.relativize(pyc);
        String dir = "/" + (relative.getParent() == null ? "" : relative.getParent().toString());
        layer.addFile(dir + "/__pycache__/" + pyc.getFileName(), pyc, 0644);
        count++;
      }
    }
    return count;
  }
}
