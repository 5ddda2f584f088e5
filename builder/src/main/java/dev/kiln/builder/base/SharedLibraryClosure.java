package dev.kiln.builder.base;

import dev.kiln.common.Runtime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The shared libraries a set of ELF binaries loads, found with the host's {@code ldd}. {@code ldd}
 * already lists the transitive closure of each binary, so one pass suffices. Libraries a runtime
 * opens with {@code dlopen} by name at run time are not visible to {@code ldd}; the bases include
 * every extension module and JDK library themselves, so their dependencies are covered.
 *
 * <p>{@code ldd} lets the dynamic loader resolve the binary, so it is only ever run on the host's
 * own runtime installations, never on function code.
 */
final class SharedLibraryClosure {

  private static final int BATCH = 64;
  private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};

  private SharedLibraryClosure() {}

  /**
   * The host paths of every library and dynamic loader {@code binaries} need, except those {@code
   * alreadyIncluded} accepts (libraries shipped inside the runtime's own tree). Files that are not
   * ELF objects are skipped.
   */
  static SortedSet<Path> of(
      Runtime runtime, Collection<Path> binaries, Predicate<Path> alreadyIncluded)
      throws IOException {
    return of(runtime, binaries, alreadyIncluded, List.of());
  }

  /**
   * Like {@link #of(Runtime, Collection, Predicate)}, letting {@code ldd} also search {@code
   * libraryPath}: for libraries that need a sibling the runtime has loaded before them, such as the
   * JDK's {@code libjava.so}, which needs {@code libjvm.so} but has no {@code RUNPATH} to it.
   */
  static SortedSet<Path> of(
      Runtime runtime,
      Collection<Path> binaries,
      Predicate<Path> alreadyIncluded,
      List<Path> libraryPath)
      throws IOException {
    List<Path> elf = new ArrayList<>();
    for (Path b : binaries) {
      if (isElf(b)) {
        elf.add(b);
      }
    }
    SortedSet<Path> libraries = new TreeSet<>();
    for (int i = 0; i < elf.size(); i += BATCH) {
      List<Path> batch = elf.subList(i, Math.min(elf.size(), i + BATCH));
      for (LddOutput.Dependencies d : ldd(runtime, batch, libraryPath)) {
        d.requireComplete();
        for (Path lib : d.libraries()) {
          Path normal = lib.normalize();
          if (!alreadyIncluded.test(normal)) {
            libraries.add(normal);
          }
        }
        if (d.loader() != null) {
          libraries.add(d.loader().normalize());
        }
      }
    }
    return libraries;
  }

  private static List<LddOutput.Dependencies> ldd(
      Runtime runtime, List<Path> batch, List<Path> libraryPath) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("ldd");
    batch.forEach(p -> command.add(p.toString()));
    Map<String, String> env =
        libraryPath.isEmpty()
            ? Map.of()
            : Map.of(
                "LD_LIBRARY_PATH",
                String.join(":", libraryPath.stream().map(Path::toString).toList()));
    HostCommand.Result r = HostCommand.run(runtime, command, env);
    Map<Path, LddOutput.Dependencies> parsed;
    try {
      parsed = LddOutput.parse(r.stdout(), batch.size() == 1 ? batch.get(0) : null);
    } catch (IllegalArgumentException e) {
      throw new BaseBuildException(runtime, e.getMessage(), e);
    }
    List<LddOutput.Dependencies> result = new ArrayList<>();
    for (Path b : batch) {
      LddOutput.Dependencies d = parsed.get(b);
      if (d == null) {
        throw new BaseBuildException(
            runtime,
            "ldd printed nothing for "
                + b
                + " (exit code "
                + r.exitCode()
                + "): "
                + r.stderr().strip());
      }
      result.add(d);
    }
    return result;
  }

  /** Whether {@code file} starts with the ELF magic number. */
  static boolean isElf(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(4), ELF_MAGIC);
    }
  }
}
