package dev.kiln.builder.base;

import dev.kiln.common.Runtime;
import dev.kiln.image.layer.LayerBuilder;
import dev.kiln.image.oci.ImageConfig.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** How one runtime's layer is assembled from the host. */
interface BaseRecipe {

  /** The search path of every base. */
  String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** The environment every base starts with; glibc 2.35+ has C.UTF-8 built in, no locale files. */
  RunConfig BASE_RUN_CONFIG = RunConfig.EMPTY.withEnv("PATH", PATH).withEnv("LANG", "C.UTF-8");

  /**
   * The runtime's layer, with what is needed to describe it.
   *
   * @param name the base's name with its version
   * @param layer the layer's content, ready to build
   * @param createdBy the history text of the layer
   * @param runConfig the base's run configuration
   * @param executable the in-image path of the runtime's executable
   */
  record Assembly(
      String name, LayerBuilder layer, String createdBy, RunConfig runConfig, String executable) {}

  /** The runtime this recipe assembles. */
  Runtime runtime();

  /**
   * A cheap description of the host inputs (paths, sizes, modification times, versions), computed
   * without running anything: when it is unchanged the cached base is reused.
   */
  String fingerprint() throws IOException;

  /**
   * Assembles the runtime's layer. {@code workDir} is an empty directory for intermediate output,
   * which must stay in place until the layer is built.
   */
  Assembly assemble(Path workDir) throws IOException;

  /**
   * The real path of a host runtime's executable, checked: it exists, and it is an ELF binary
   * rather than a shim script, which would not run inside an image.
   *
   * @param missing the message when there is no executable, saying how to get one
   * @param shim what a non-ELF file probably is, e.g. "a pyenv shim"
   * @param fix what to set instead
   */
  static Path hostExecutable(
      Runtime runtime, Path configured, String missing, String shim, String fix)
      throws IOException {
    if (!Files.isExecutable(configured)) {
      throw new BaseBuildException(runtime, missing);
    }
    Path real = configured.toRealPath();
    if (!SharedLibraryClosure.isElf(real)) {
      throw new BaseBuildException(
          runtime,
          configured
              + " resolves to "
              + real
              + ", which is not an ELF executable ("
              + shim
              + "?); "
              + fix);
    }
    return real;
  }

  /** "path size mtime" of a host file, following symlinks to the real file. */
  static String describeFile(Path p) throws IOException {
    Path real = p.toRealPath();
    return real
        + " size="
        + Files.size(real)
        + " mtime="
        + Files.getLastModifiedTime(real, LinkOption.NOFOLLOW_LINKS).toMillis();
  }
}
