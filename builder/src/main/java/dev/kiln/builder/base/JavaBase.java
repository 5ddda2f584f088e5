package dev.kiln.builder.base;

import dev.kiln.common.Runtime;
import dev.kiln.image.layer.LayerBuilder;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/**
 * The Java base: a {@code jlink} image of a JDK's modules at {@code /opt/java}, with a class data
 * sharing (CDS) archive so that the JVM maps the JDK's classes instead of loading and verifying
 * them at every start, plus the shared libraries the launcher and the JDK's native libraries load.
 *
 * <p>Uncompressed ({@code --compress=0}): the image is read at every start and compressed once in
 * the layer anyway. The jlink output and the CDS archive are not byte-identical from run to run, so
 * rebuilding gives a layer with another digest; the base cache makes a rebuild rare.
 *
 * @see <a href="https://openjdk.org/jeps/341">JEP 341: Default CDS Archives</a>
 */
final class JavaBase implements BaseRecipe {

  /** Where the jlinked JDK lives in the image. */
  static final String IMAGE_DIR = "/opt/java";

  private final Path javaHome;
  private final List<String> modules;

  JavaBase(Path javaHome, List<String> modules) {
    this.javaHome = javaHome.toAbsolutePath().normalize();
    this.modules = List.copyOf(modules);
  }

  @Override
  public Runtime runtime() {
    return Runtime.JAVA;
  }

  @Override
  public String fingerprint() throws IOException {
    Path modulesImage = javaHome.resolve("lib/modules");
    if (!Files.isRegularFile(modulesImage)) {
      throw new BaseBuildException(
          Runtime.JAVA, javaHome + " is not a JDK: it has no lib/modules runtime image");
    }
    return "java "
        + javaHome
        + " modules="
        + String.join(",", modules)
        + " image="
        + BaseRecipe.describeFile(modulesImage);
  }

  @Override
  public Assembly assemble(Path workDir) throws IOException {
    Path image = workDir.resolve("jdk");
    jlink(image);
    ensureCdsArchive(image);
    String version = releaseProperty(image, "JAVA_VERSION");

    LayerBuilder layer = LayerBuilder.create();
    List<Path> binaries = new ArrayList<>();
    addImage(layer, image, binaries);
    RootfsSkeleton.addMergedUsrLinks(layer, Path.of("/"));
    HostFiles files = new HostFiles(layer);
    Path imageReal = image.toRealPath();
    SortedSet<Path> libraries =
        SharedLibraryClosure.of(
            Runtime.JAVA,
            binaries,
            p -> p.startsWith(imageReal),
            List.of(imageReal.resolve("lib"), imageReal.resolve("lib/server")));
    for (Path lib : libraries) {
      files.addPath(lib);
    }
    String createdBy =
        "kiln base: java "
            + version
            + " at "
            + IMAGE_DIR
            + ", jlink of "
            + javaHome
            + " ("
            + String.join(",", modules)
            + ") with a CDS archive + "
            + libraries.size()
            + " shared libraries";
    return new Assembly(
        "java-" + version,
        layer,
        createdBy,
        BASE_RUN_CONFIG.withEnv("JAVA_HOME", IMAGE_DIR).withEnv("PATH", IMAGE_DIR + "/bin:" + PATH),
        IMAGE_DIR + "/bin/java");
  }

  private void jlink(Path output) throws IOException {
    Path jlink = javaHome.resolve("bin/jlink");
    if (!Files.isExecutable(jlink)) {
      throw new BaseBuildException(
          Runtime.JAVA,
          "no jlink at " + jlink + "; Kiln needs a full JDK (not a JRE) to build the java base");
    }
    Path jmods = javaHome.resolve("jmods");
    if (!Files.isDirectory(jmods)) {
      throw new BaseBuildException(
          Runtime.JAVA,
          javaHome + " has no jmods directory; install the JDK's jmods (Debian: openjdk-17-jdk)");
    }
    // JDK 17's jlink can run -Xshare:dump itself; an older one cannot, see ensureCdsArchive.
    boolean cdsPlugin =
        HostCommand.output(Runtime.JAVA, List.of(jlink.toString(), "--list-plugins"))
            .contains("--generate-cds-archive");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            jlink.toString(),
            "--module-path",
            jmods.toString(),
            "--add-modules",
            String.join(",", modules),
            "--strip-debug",
            "--no-man-pages",
            "--no-header-files",
            "--compress=0"));
    if (cdsPlugin) {
      command.add("--generate-cds-archive");
    }
    command.addAll(List.of("--output", output.toString()));
    HostCommand.output(Runtime.JAVA, command);
  }

  private static void ensureCdsArchive(Path image) throws IOException {
    Path archive = image.resolve("lib/server/classes.jsa");
    if (!Files.isRegularFile(archive)) {
      HostCommand.output(
          Runtime.JAVA, List.of(image.resolve("bin/java").toString(), "-Xshare:dump"));
    }
    if (!Files.isRegularFile(archive)) {
      throw new BaseBuildException(
          Runtime.JAVA,
          "the jlinked JDK has no CDS archive at lib/server/classes.jsa even after -Xshare:dump");
    }
  }

  /** Adds the jlink output under {@link #IMAGE_DIR}, collecting the ELF files for ldd. */
  private static void addImage(LayerBuilder layer, Path image, List<Path> binaries)
      throws IOException {
    Files.walkFileTree(
        image,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            layer.addDirectory(inImage(image, dir), HostFiles.mode(dir));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isSymbolicLink()) {
              layer.addSymlink(inImage(image, file), Files.readSymbolicLink(file).toString());
            } else if (attrs.isRegularFile()) {
              layer.addFile(inImage(image, file), file, HostFiles.mode(file));
              String name = file.getFileName().toString();
              if (name.endsWith(".so") || file.equals(image.resolve("bin/java"))) {
                binaries.add(file.toRealPath());
              }
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static String inImage(Path image, Path p) {
    String rel = image.relativize(p).toString();
    return rel.isEmpty() ? IMAGE_DIR : IMAGE_DIR + "/" + rel;
  }

  /** A value from the image's {@code release} file, such as {@code JAVA_VERSION="17.0.15"}. */
  private static String releaseProperty(Path image, String key) throws IOException {
    for (String line : Files.readAllLines(image.resolve("release"))) {
      if (line.startsWith(key + "=")) {
        return line.substring(key.length() + 1).replace("\"", "").strip();
      }
    }
    throw new BaseBuildException(
        Runtime.JAVA, "the jlinked JDK's release file has no " + key + " entry");
  }
}
