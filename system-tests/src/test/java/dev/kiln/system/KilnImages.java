package dev.kiln.system;

import dev.kiln.builder.FunctionBuilder;
import dev.kiln.builder.base.BaseRuntimes;
import dev.kiln.builder.build.BuildListener;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real function images for integration tests, built by Kiln's builder in-process, as {@code kiln
 * build} does. The runtime node may not depend on the builder, so the tests that run real images on
 * the node live in this module, which sees both.
 *
 * <p>Images go to one store under {@code target/kiln-it-images}, tagged with a hash of the function
 * directory, so a directory is built once however many tests use it (and again only when it changes
 * or after {@code mvn clean}).
 */
public final class KilnImages {
  private static Path store;

  private KilnImages() {}

  /** The store all test images are built into. */
  public static synchronized ImageStore store() {
    try {
      return ImageStore.open(storeDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An example function of the repository, e.g. {@code hello-python}. */
  public static ImageRef example(String name) {
    return build(repoRoot().resolve("examples").resolve(name), name);
  }

  /** A test-only function under {@code src/test/resources/functions}. */
  public static ImageRef testFunction(String name) {
    return build(moduleDir().resolve("src/test/resources/functions").resolve(name), name);
  }

  /**
   * The bare runtime image of {@code runtime} that stem cells run: a Kilnfile with only {@code FROM
   * kiln/<runtime>} (base, runner, entrypoint, working dir, {@code KILN_RUNTIME} and {@code
   * KILN_CODE_DIR}; no handler).
   */
  public static ImageRef runtimeImage(Runtime runtime) {
    Path dir = storeDir().resolveSibling("kiln-it-sources").resolve(runtime.id() + "-runtime");
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("Kilnfile"), "FROM kiln/" + runtime.id() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return build(dir, "runtime-" + runtime.id());
  }

  /** Builds {@code dir} into the store, unless this content was built before. */
  public static synchronized ImageRef build(Path dir, String name) {
    ImageRef ref = ImageRef.parseLocal(name + ":" + contentHash(dir));
    try {
      if (store().resolve(ref.localName()).isPresent()) {
        return ref;
      }
      new FunctionBuilder(store(), BaseRuntimes.fromEnvironment())
          .build(dir, ref.localName(), BuildListener.NONE);
      return ref;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build " + dir, e);
    }
  }

  /** The repository root: the nearest parent of the module holding {@code examples/}. */
  public static Path repoRoot() {
    for (Path dir = moduleDir(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("examples")) && Files.exists(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no examples/ directory above " + moduleDir());
  }

  private static Path moduleDir() {
    Path cwd = Path.of("").toAbsolutePath();
    return Files.isDirectory(cwd.resolve("src/test/resources/functions"))
        ? cwd
        : cwd.resolve("system-tests");
  }

  private static synchronized Path storeDir() {
    if (store == null) {
      store = moduleDir().resolve("target/kiln-it-images").toAbsolutePath();
      try {
        Files.createDirectories(store);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return store;
  }

  /** A short hash of every file's relative path and content under {@code dir}. */
  static String contentHash(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      List<Path> sorted = files.filter(Files::isRegularFile).sorted().toList();
      for (Path file : sorted) {
        sha.update(dir.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(Files.readAllBytes(file));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hash " + dir, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
