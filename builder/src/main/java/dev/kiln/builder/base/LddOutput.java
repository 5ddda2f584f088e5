package dev.kiln.builder.base;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses what {@code ldd} prints: for one binary, its dependency lines; for several, each block
 * under a {@code <binary>:} header. Unrecognised lines are an error rather than skipped, because a
 * line silently ignored could be a library silently left out of a base.
 *
 * <p>Line forms (glibc's {@code ldd}, see ld.so(8)):
 *
 * <ul>
 *   <li>{@code libm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x...)}: a resolved library;
 *   <li>{@code libfoo.so.1 => not found}: missing;
 *   <li>{@code /lib64/ld-linux-x86-64.so.2 (0x...)}: the dynamic loader (the binary's {@code
 *       PT_INTERP}); some distributions print it as {@code /lib64/ld... => /usr/lib64/ld... };
 *   <li>{@code linux-vdso.so.1 (0x...)}: the kernel's vDSO, not a file;
 *   <li>{@code statically linked}, {@code not a dynamic executable}: no dependencies.
 * </ul>
 */
final class LddOutput {

  private static final Pattern HEADER = Pattern.compile("^(\\S.*):$");
  private static final Pattern NOT_FOUND = Pattern.compile("^\\s+(\\S+) => not found$");
  private static final Pattern RESOLVED =
      Pattern.compile("^\\s+(\\S+) => (/\\S+)(?: \\(0x[0-9a-fA-F]+\\))?$");
  private static final Pattern NO_PATH = Pattern.compile("^\\s+(\\S+) =>\\s+\\(0x[0-9a-fA-F]+\\)$");
  private static final Pattern BARE = Pattern.compile("^\\s+(\\S+) \\(0x[0-9a-fA-F]+\\)$");
  private static final Pattern NO_DEPENDENCIES =
      Pattern.compile("^\\s+(statically linked|not a dynamic executable)$");

  /**
   * What {@code ldd} found for one binary.
   *
   * @param binary the binary examined
   * @param libraries resolved libraries, as the host paths {@code ldd} printed, in output order
   * @param loader the dynamic loader's path, or null for a static binary
   * @param missing names of libraries {@code ldd} could not find
   */
  record Dependencies(Path binary, List<Path> libraries, Path loader, List<String> missing) {
    Dependencies {
      libraries = List.copyOf(libraries);
      missing = List.copyOf(missing);
    }

    /** Throws naming the first missing library, if any. */
    Dependencies requireComplete() throws MissingSharedLibraryException {
      if (!missing.isEmpty()) {
        throw new MissingSharedLibraryException(binary, missing.get(0));
      }
      return this;
    }
  }

  private LddOutput() {}

  /**
   * Parses {@code ldd} output. Lines before any {@code <binary>:} header belong to {@code
   * singleBinary}, which is how {@code ldd} prints the result for one file.
   */
  static Map<Path, Dependencies> parse(String output, Path singleBinary) {
    Map<Path, Builder> byBinary = new LinkedHashMap<>();
    Builder current = null;
    for (String line : output.split("\n", -1)) {
      if (line.isBlank()) {
        continue;
      }
      Matcher m = HEADER.matcher(line);
      if (m.matches()) {
        Path binary = Path.of(m.group(1));
        current = byBinary.computeIfAbsent(binary, Builder::new);
        continue;
      }
      if (current == null) {
        if (singleBinary == null) {
          throw new IllegalArgumentException(
              "ldd output starts without a '<binary>:' header: '" + line.strip() + "'");
        }
        current = byBinary.computeIfAbsent(singleBinary, Builder::new);
      }
      current.accept(line);
    }
    Map<Path, Dependencies> result = new LinkedHashMap<>();
    byBinary.forEach((binary, b) -> result.put(binary, b.build()));
    return result;
  }

  private static final class Builder {
    private final Path binary;
    private final List<Path> libraries = new ArrayList<>();
    private final List<String> missing = new ArrayList<>();
    private Path loader;

    Builder(Path binary) {
      this.binary = binary;
    }

    void accept(String line) {
      Matcher m;
      if ((m = NOT_FOUND.matcher(line)).matches()) {
        missing.add(m.group(1));
      } else if ((m = RESOLVED.matcher(line)).matches()) {
        if (m.group(1).startsWith("/")) {
          loader = Path.of(m.group(1));
        }
        libraries.add(Path.of(m.group(2)));
      } else if (NO_PATH.matcher(line).matches() || NO_DEPENDENCIES.matcher(line).matches()) {
        // The vDSO in older glibc's format, or a binary with nothing to load.
      } else if ((m = BARE.matcher(line)).matches()) {
        if (m.group(1).startsWith("/")) {
          loader = Path.of(m.group(1));
        }
        // Otherwise the vDSO (linux-vdso.so.1, linux-gate.so.1): mapped by the kernel.
      } else {
        throw new IllegalArgumentException(
            "unexpected ldd output line for " + binary + ": '" + line.strip() + "'");
      }
    }

    Dependencies build() {
      return new Dependencies(binary, libraries, loader, missing);
    }
  }
}
