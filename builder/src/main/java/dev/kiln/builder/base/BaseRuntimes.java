package dev.kiln.builder.base;

import dev.kiln.common.Runtime;
import dev.kiln.image.layer.Layer;
import dev.kiln.image.layer.LayerBuilder;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.Deflater;

/**
 * Assembles the base runtimes of function images from the host, without a registry, and keeps them
 * in an {@link ImageStore}. Each base runs on its own in any OCI runtime: everything it needs is in
 * its layers, nothing is bind-mounted from the host.
 *
 * <ul>
 *   <li>{@code java}: a jlink of the running JDK with {@link #JAVA_MODULES} and a CDS archive, at
 *       {@code /opt/java};
 *   <li>{@code python}: the host's interpreter ({@code /usr/bin/python3}, or {@code KILN_PYTHON}),
 *       its pruned standard library and extension modules;
 *   <li>{@code node}: the host's {@code node} ({@code /usr/bin/node}, or {@code KILN_NODE});
 *   <li>{@code binary}: only the root filesystem skeleton.
 * </ul>
 *
 * <p>Every base starts with the same small skeleton layer ({@code /tmp}, {@code /run/kiln}, {@code
 * /etc/passwd}, the host's merged-{@code /usr} links), followed by one layer with the runtime and
 * the shared libraries it loads, found with {@code ldd} and added at their host paths.
 *
 * <p>Building a base takes seconds (jlink, tens of megabytes of Python library), so the result is
 * cached per store and reused for as long as the host inputs (executable path, size, modification
 * time; JDK and module list) are unchanged and the blobs are still in the store. Layers are
 * reproducible for the same host files, except the Java base: jlink and the CDS archive are not
 * byte-identical from run to run, so a rebuilt Java base gets new digests.
 */
public final class BaseRuntimes {

  /** The JDK modules of the Java base; the Kiln Java runner needs only {@code java.base}. */
  public static final List<String> JAVA_MODULES =
      List.of("java.base", "java.logging", "jdk.unsupported");

  /** The Python interpreter used when {@code KILN_PYTHON} is not set. */
  public static final Path DEFAULT_PYTHON = Path.of("/usr/bin/python3");

  /** The Node.js binary used when {@code KILN_NODE} is not set. */
  public static final Path DEFAULT_NODE = Path.of("/usr/bin/node");

  private static final Path HOST_ROOT = Path.of("/");

  private final Path python;
  private final Path node;
  private final Path javaHome;

  private BaseRuntimes(Path python, Path node, Path javaHome) {
    this.python = python;
    this.node = node;
    this.javaHome = javaHome;
  }

  /**
   * Bases from this host's installations: {@code KILN_PYTHON} or {@code /usr/bin/python3}, {@code
   * KILN_NODE} or {@code /usr/bin/node}, and the JDK running Kiln. The interpreter in {@code PATH}
   * is deliberately not used: it is often a version manager's shim script.
   */
  public static BaseRuntimes fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** Like {@link #fromEnvironment()}, reading the given environment variables. */
  public static BaseRuntimes fromEnvironment(Map<String, String> env) {
    return of(
        pathOr(env.get("KILN_PYTHON"), DEFAULT_PYTHON),
        pathOr(env.get("KILN_NODE"), DEFAULT_NODE),
        Path.of(System.getProperty("java.home")));
  }

  /** Bases from the given Python interpreter, Node.js binary and JDK home. */
  public static BaseRuntimes of(Path python, Path node, Path javaHome) {
    return new BaseRuntimes(python, node, javaHome);
  }

  /**
   * The base of {@code runtime} in {@code store}: from the cache when the host inputs have not
   * changed, otherwise assembled, written to the store and cached. Safe to call from several
   * threads and processes at once; one of them builds, the others wait and reuse its result.
   *
   * @throws BaseBuildException when the runtime is not installed or a host tool fails
   * @throws MissingSharedLibraryException when a binary needs a library the host lacks
   */
  public BaseImage resolve(Runtime runtime, ImageStore store) throws IOException {
    Optional<BaseRecipe> recipe = recipe(runtime);
    String fingerprint = fingerprint(runtime, recipe);
    BaseCache cache = new BaseCache(store, runtime);
    Optional<BaseImage> cached = cache.lookup(fingerprint);
    if (cached.isPresent()) {
      return cached.get();
    }
    return cache.underLock(
        work -> {
          Optional<BaseImage> builtMeanwhile = cache.lookup(fingerprint);
          if (builtMeanwhile.isPresent()) {
            return builtMeanwhile.get();
          }
          BaseImage built = build(runtime, recipe, store, work);
          cache.write(fingerprint, built);
          return built;
        });
  }

  private Optional<BaseRecipe> recipe(Runtime runtime) {
    return switch (runtime) {
      case JAVA -> Optional.of(new JavaBase(javaHome, JAVA_MODULES));
      case PYTHON -> Optional.of(new PythonBase(python));
      case NODE -> Optional.of(new NodeBase(node));
      case BINARY -> Optional.empty();
    };
  }

  private static String fingerprint(Runtime runtime, Optional<BaseRecipe> recipe)
      throws IOException {
    StringBuilder sb = new StringBuilder("kiln-base-format=").append(BaseCache.FORMAT).append('\n');
    sb.append("runtime=").append(runtime.id()).append('\n');
    for (String name : List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32")) {
      Path p = HOST_ROOT.resolve(name);
      if (Files.isSymbolicLink(p)) {
        sb.append('/').append(name).append(" -> ").append(Files.readSymbolicLink(p)).append('\n');
      }
    }
    if (recipe.isPresent()) {
      sb.append(recipe.get().fingerprint()).append('\n');
    }
    return sb.toString();
  }

  private static BaseImage build(
      Runtime runtime, Optional<BaseRecipe> recipe, ImageStore store, Path work)
      throws IOException {
    Layer skeleton =
        RootfsSkeleton.layer(HOST_ROOT).compressionLevel(Deflater.BEST_SPEED).build(store);
    if (recipe.isEmpty()) {
      return new BaseImage(
          runtime.id(),
          List.of(skeleton),
          List.of(RootfsSkeleton.CREATED_BY),
          BaseRecipe.BASE_RUN_CONFIG,
          null);
    }
    BaseRecipe.Assembly a = recipe.get().assemble(work);
    LayerBuilder layer = a.layer().compressionLevel(Deflater.BEST_SPEED);
    Layer runtimeLayer = layer.build(store);
    return new BaseImage(
        a.name(),
        List.of(skeleton, runtimeLayer),
        List.of(RootfsSkeleton.CREATED_BY, a.createdBy()),
        a.runConfig(),
        a.executable());
  }

  private static Path pathOr(String value, Path fallback) {
    return value == null || value.isBlank() ? fallback : Path.of(value.strip());
  }
}
