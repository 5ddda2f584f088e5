package dev.kiln.node.testing;

import dev.kiln.node.oci.BindMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A small root filesystem built by hand from host binaries and the shared libraries {@code ldd}
 * names for them: {@code sh}, coreutils, {@code python3} and {@code node}. Python's standard
 * library and the JDK are large, so they are bind-mounted read-only from the host ({@link
 * #pythonMounts()}, {@link #javaMounts()}) instead of copied. Built once per JVM under {@code
 * target/test-rootfs}; containers use it read-only.
 */
public final class TestRootfs {
  private static final List<String> BINARIES =
      List.of(
          "/bin/sh",
          "/bin/true",
          "/bin/sleep",
          "/bin/cat",
          "/bin/ls",
          "/bin/echo",
          "/bin/mkdir",
          "/bin/touch",
          "/bin/hostname",
          "/usr/bin/python3.11",
          "/usr/bin/node");

  private static final Path PYTHON_LIB = Path.of("/usr/lib/python3.11");
  private static final Path JAVA_HOME = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
  private static final Path JAVA_CONF = Path.of("/etc/java-17-openjdk");
  private static final Pattern LIBRARY = Pattern.compile("(/\\S+\\.so[.\\d]*)");

  private static Path built;

  private TestRootfs() {}

  /** The rootfs directory, built on first use. */
  public static synchronized Path get() {
    if (built == null) {
      built = build(Path.of("target", "test-rootfs").toAbsolutePath());
    }
    return built;
  }

  /** Python's standard library, read-only, where {@code /usr/bin/python3} looks for it. */
  public static List<BindMount> pythonMounts() {
    return List.of(BindMount.readOnly(PYTHON_LIB, PYTHON_LIB.toString()));
  }

  /** The JDK and its configuration, read-only; run {@code <JAVA_HOME>/bin/java}. */
  public static List<BindMount> javaMounts() {
    return List.of(
        BindMount.readOnly(JAVA_HOME, JAVA_HOME.toString()),
        BindMount.readOnly(JAVA_CONF, JAVA_CONF.toString()));
  }

  /** The java launcher inside the container. */
  public static String java() {
    return JAVA_HOME.resolve("bin/java").toString();
  }

  private static Path build(Path root) {
    try {
      Path done = root.resolve(".complete");
      if (Files.exists(done)) {
        return root;
      }
      TreeSet<Path> files = new TreeSet<>();
      List<Path> elves = new ArrayList<>();
      for (String binary : BINARIES) {
        if (Files.exists(Path.of(binary))) {
          files.add(Path.of(binary));
          elves.add(Path.of(binary));
        }
      }
      elves.addAll(sharedObjects(PYTHON_LIB.resolve("lib-dynload")));
      elves.addAll(sharedObjects(JAVA_HOME.resolve("lib")));
      for (Path elf : elves) {
        files.addAll(libraries(elf));
      }
      for (Path file : files) {
        Path target = root.resolve(file.toString().substring(1));
        Files.createDirectories(target.getParent());
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
      }
      link(root, "usr/bin/python3", "python3.11");
      Files.createDirectories(root.resolve("etc"));
      Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
      Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
      Files.createDirectories(root.resolve("root"));
      Files.createFile(done);
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the test rootfs in " + root, e);
    }
  }

  private static void link(Path root, String link, String target) throws IOException {
    Path path = root.resolve(link);
    Files.deleteIfExists(path);
    Files.createSymbolicLink(path, Path.of(target));
  }

  private static List<Path> sharedObjects(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".so")).toList();
    }
  }

  private static List<Path> libraries(Path elf) throws IOException {
    Process ldd = new ProcessBuilder("ldd", elf.toString()).redirectErrorStream(true).start();
    String out = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    List<Path> libs = new ArrayList<>();
    Matcher m = LIBRARY.matcher(out);
    while (m.find()) {
      Path lib = Path.of(m.group(1));
      // Libraries inside the bind-mounted JDK or stdlib come with their mount.
      if (Files.exists(lib) && !lib.startsWith(JAVA_HOME) && !lib.startsWith(PYTHON_LIB)) {
        libs.add(lib);
      }
    }
    return libs;
  }
}
