package dev.kiln.builder.base;

import dev.kiln.common.Runtime;
import dev.kiln.image.layer.LayerBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;

/**
 * The Python base: the host's interpreter (Debian's {@code /usr/bin/python3} by default, never a
 * pyenv shim), its standard library without tests, IDLE, Tk, ensurepip, bytecode caches and the
 * static library used to build extensions, its {@code lib-dynload} extension modules, and the
 * shared libraries all of them load.
 *
 * <p>Without the bytecode caches the interpreter compiles the modules it imports at each start (it
 * cannot write them to a read-only root filesystem either); stem cells pay that once, before a
 * function is assigned. {@code PYTHONUNBUFFERED=1} makes a function's output reach its log as it is
 * printed.
 */
final class PythonBase implements BaseRecipe {

  /** Directories left out of the standard library wherever they appear. */
  static final Set<String> PRUNED_DIRECTORIES =
      Set.of("test", "tests", "idlelib", "tkinter", "turtledemo", "ensurepip", "__pycache__");

  /** Asks the interpreter for its version, standard library and extension module directories. */
  private static final String QUERY =
      "import sys, sysconfig\n"
          + "print(sys.version.split()[0])\n"
          + "print(sysconfig.get_path('stdlib'))\n"
          + "print(sysconfig.get_config_var('DESTSHARED') or '')\n";

  private final Path python;

  PythonBase(Path python) {
    this.python = python.toAbsolutePath().normalize();
  }

  @Override
  public Runtime runtime() {
    return Runtime.PYTHON;
  }

  @Override
  public String fingerprint() throws IOException {
    realInterpreter();
    return "python " + python + " -> " + BaseRecipe.describeFile(python);
  }

  @Override
  public Assembly assemble(Path workDir) throws IOException {
    Path real = realInterpreter();
    // -I -S: ignore PYTHON* variables, the user's site directory and site.py, so the answer
    // describes the installation rather than this process's environment.
    List<String> lines =
        HostCommand.output(Runtime.PYTHON, List.of(real.toString(), "-I", "-S", "-c", QUERY))
            .lines()
            .toList();
    if (lines.size() < 2) {
      throw new BaseBuildException(
          Runtime.PYTHON, real + " did not report its standard library: " + lines);
    }
    String version = lines.get(0).strip();
    Path stdlib = Path.of(lines.get(1).strip());
    Path dynload =
        lines.size() > 2 && !lines.get(2).isBlank() ? Path.of(lines.get(2).strip()) : null;

    LayerBuilder layer = LayerBuilder.create();
    RootfsSkeleton.addMergedUsrLinks(layer, Path.of("/"));
    HostFiles files = new HostFiles(layer);
    files.addPath(python);
    files.addTree(stdlib, PythonBase::pruned);
    if (dynload != null && Files.isDirectory(dynload) && !dynload.toRealPath().startsWith(stdlib)) {
      files.addTree(dynload, PythonBase::pruned);
    }
    int bytecode = PythonBytecode.add(real, stdlib, workDir, layer);
    List<Path> binaries = new ArrayList<>();
    binaries.add(real);
    for (Path f : files.files()) {
      if (f.getFileName().toString().contains(".so")) {
        binaries.add(f);
      }
    }
    SortedSet<Path> libraries =
        SharedLibraryClosure.of(Runtime.PYTHON, binaries, files.files()::contains);
    for (Path lib : libraries) {
      files.addPath(lib);
    }
    String createdBy =
        "kiln base: python "
            + version
            + " from "
            + real
            + " + "
            + libraries.size()
            + " shared libraries, "
            + bytecode
            + " precompiled modules";
    return new Assembly(
        "python-" + version,
        layer,
        createdBy,
        BASE_RUN_CONFIG.withEnv("PYTHONUNBUFFERED", "1"),
        python.toString());
  }

  /**
   * Whether a standard-library path is left out: the pruned directories, {@code config-3.X-*} (the
   * static libpython for building extensions, 25 MB on Debian), and the test extension modules in
   * {@code lib-dynload}.
   */
  static boolean pruned(Path p) {
    String name = p.getFileName().toString();
    if (Files.isDirectory(p)) {
      return PRUNED_DIRECTORIES.contains(name) || name.startsWith("config-");
    }
    return name.endsWith(".so")
        && (name.startsWith("_test")
            || name.startsWith("_ctypes_test")
            || name.startsWith("_xxtestfuzz")
            || name.startsWith("xxlimited"));
  }

  private Path realInterpreter() throws IOException {
    return BaseRecipe.hostExecutable(
        Runtime.PYTHON,
        python,
        "no Python interpreter at "
            + python
            + "; install python3 or set KILN_PYTHON to an interpreter",
        "a pyenv shim or a wrapper script",
        "set KILN_PYTHON to the interpreter itself, such as /usr/bin/python3");
  }
}
