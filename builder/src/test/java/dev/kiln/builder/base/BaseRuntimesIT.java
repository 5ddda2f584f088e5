package dev.kiln.builder.base;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.Runtime;
import dev.kiln.image.layer.Layer;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds each base from this host's real installations and runs its runtime inside the unpacked
 * layers with {@code chroot}: if a shared library were missing from the closure, the runtime would
 * not start. Needs root, chroot and unshare.
 */
class BaseRuntimesIT {

  private static final BaseRuntimes BASES = BaseRuntimes.fromEnvironment();

  @TempDir static Path storeDir;
  private static ImageStore store;

  @TempDir Path rootfs;

  @BeforeAll
  static void openStore() throws IOException {
    store = ImageStore.open(storeDir);
  }

  @BeforeEach
  void requireRoot() {
    HostRequirements.rootAndChroot();
  }

  @Test
  void pythonBaseRunsTheInterpreterWithItsStandardLibraryAndExtensionModules() throws Exception {
    HostRequirements.executable(BaseRuntimes.DEFAULT_PYTHON, "Python");
    BaseImage base = resolveColdThenCached(Runtime.PYTHON);

    assertThat(base.name()).startsWith("python-3.");
    assertThat(base.executable()).isEqualTo("/usr/bin/python3");
    assertThat(base.createdBy().get(1))
        .matches(
            "kiln base: python 3\\.\\d+\\.\\d+ from /usr/bin/python3\\.\\d+ \\+ \\d+ shared libraries, \\d{3,} precompiled modules");
    Map<String, Integer> entries = LayerUnpacker.modes(store, base.layers().get(1));
    assertThat(entries.keySet())
        .noneMatch(
            n -> n.contains("/test/") || n.contains("/ensurepip/") || n.contains("/idlelib/"))
        .anyMatch(n -> n.matches("usr/lib/python3\\.\\d+/json/__init__\\.py"))
        .anyMatch(
            n ->
                n.matches("usr/lib/python3\\.\\d+/json/__pycache__/__init__\\.cpython-3\\d+\\.pyc"))
        .anyMatch(n -> n.contains("/lib-dynload/_ssl."));
    assertThat(LayerUnpacker.symlinks(store, base.layers().get(1)))
        .containsEntry("usr/bin/python3", base.name().replaceAll("-(\\d+\\.\\d+).*", "$1"));

    LayerUnpacker.unpack(store, base, rootfs);
    String out =
        runInRoot(
            base,
            "/usr/bin/python3",
            "-c",
            "import json, sys, ssl, sqlite3, decimal, zlib, pwd, ctypes;"
                + "import collections, enum, functools, re, urllib.parse;"
                + "print(sys.version.split()[0], pwd.getpwuid(65534).pw_name,"
                + " json.dumps({'ok': True}), ssl.OPENSSL_VERSION.split()[0],"
                // PEP 552 flags: 1 = hash-based and unchecked, so the fixed mtimes of a layer
                // cannot make the interpreter recompile on a read-only root. The modules that
                // compileall itself imports are the ones that once slipped through as
                // timestamp-checked pycs.
                + " set(open(m.__cached__, 'rb').read()[4] for m in"
                + " (json, collections, enum, functools, re, urllib.parse)))");

    assertThat(out.strip())
        .isEqualTo(
            base.name().substring("python-".length()) + " nobody {\"ok\": true} OpenSSL {1}");
  }

  @Test
  void nodeBaseRunsNode() throws Exception {
    HostRequirements.executable(BaseRuntimes.DEFAULT_NODE, "Node.js");
    BaseImage base = resolveColdThenCached(Runtime.NODE);

    assertThat(base.name()).startsWith("node-");
    assertThat(base.executable()).isEqualTo("/usr/bin/node");

    LayerUnpacker.unpack(store, base, rootfs);
    String out =
        runInRoot(
            base,
            "/usr/bin/node",
            "-e",
            "console.log(process.version, require('os').userInfo().username,"
                + " JSON.stringify({ok: true}), require('crypto').createHash('sha256')"
                + ".update('kiln').digest('hex').length)");

    assertThat(out.strip())
        .isEqualTo("v" + base.name().substring("node-".length()) + " root {\"ok\":true} 64");
  }

  @Test
  void javaBaseRunsTheJlinkedJdkWithItsCdsArchive() throws Exception {
    BaseImage base = resolveColdThenCached(Runtime.JAVA);

    assertThat(base.name())
        .isEqualTo("java-" + java.lang.Runtime.version().toString().replaceAll("\\+.*", ""));
    assertThat(base.executable()).isEqualTo("/opt/java/bin/java");
    assertThat(base.runConfig().env())
        .contains("JAVA_HOME=/opt/java")
        .anyMatch(e -> e.startsWith("PATH=/opt/java/bin:"));

    LayerUnpacker.unpack(store, base, rootfs);
    String version = runInRoot(base, "/opt/java/bin/java", "-version");
    assertThat(version).contains("OpenJDK", "Server VM");
    String modules = runInRoot(base, "/opt/java/bin/java", "--list-modules");
    assertThat(modules.lines().map(l -> l.replaceAll("@.*", "")).toList())
        .containsExactlyInAnyOrderElementsOf(BaseRuntimes.JAVA_MODULES);

    // -Xshare:on fails outright when the archive cannot be mapped; -Xlog:cds shows which one.
    String cds = runInRoot(base, "/opt/java/bin/java", "-Xshare:on", "-Xlog:cds", "-version");
    assertThat(cds)
        .contains("Opened archive /opt/java/lib/server/classes.jsa")
        .contains("Mapped static  region")
        .doesNotContain("Unable to use shared archive");
  }

  @Test
  void binaryBaseIsTheRootFilesystemSkeleton() throws Exception {
    BaseImage base = resolveColdThenCached(Runtime.BINARY);

    assertThat(base.name()).isEqualTo("binary");
    assertThat(base.executable()).isNull();
    assertThat(base.layers()).hasSize(1);
    assertThat(base.imageConfig().history()).hasSize(1);
    Map<String, Integer> modes = LayerUnpacker.modes(store, base.layers().get(0));
    assertThat(modes)
        .containsEntry("tmp/", 01777)
        .containsEntry("run/kiln/", 0755)
        .containsEntry("proc/", 0555)
        .containsEntry("sys/", 0555)
        .containsEntry("dev/", 0755)
        .containsEntry("etc/passwd", 0644)
        .containsEntry("etc/group", 0644);
    if (Files.isSymbolicLink(Path.of("/lib"))) {
      assertThat(LayerUnpacker.symlinks(store, base.layers().get(0)))
          .containsEntry("lib", Files.readSymbolicLink(Path.of("/lib")).toString());
    }
    LayerUnpacker.unpack(store, base, rootfs);
    assertThat(Files.readString(rootfs.resolve("etc/passwd")))
        .contains("root:x:0:0:", "nobody:x:65534:65534:");
  }

  @Test
  void everyBaseSharesTheSkeletonLayer() throws Exception {
    HostRequirements.executable(BaseRuntimes.DEFAULT_NODE, "Node.js");
    Layer skeleton = BASES.resolve(Runtime.BINARY, store).layers().get(0);

    assertThat(BASES.resolve(Runtime.NODE, store).layers().get(0)).isEqualTo(skeleton);
  }

  @Test
  void aBaseWhoseBlobWasCollectedIsRebuilt(@TempDir Path otherStore) throws Exception {
    ImageStore s = ImageStore.open(otherStore);
    BaseImage first = BASES.resolve(Runtime.BINARY, s);
    Files.delete(s.blobPath(first.layers().get(0).digest()));

    BaseImage second = BASES.resolve(Runtime.BINARY, s);

    assertThat(second).isEqualTo(first);
    assertThat(s.hasBlob(second.layers().get(0).digest())).isTrue();
  }

  @Test
  void concurrentResolvesBuildOnceAndAgree(@TempDir Path otherStore) throws Exception {
    HostRequirements.executable(BaseRuntimes.DEFAULT_NODE, "Node.js");
    ImageStore s = ImageStore.open(otherStore);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<BaseImage>> futures = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        futures.add(pool.submit(() -> BASES.resolve(Runtime.NODE, s)));
      }
      BaseImage first = futures.get(0).get(5, TimeUnit.MINUTES);
      for (Future<BaseImage> f : futures) {
        assertThat(f.get(5, TimeUnit.MINUTES)).isEqualTo(first);
      }
    } finally {
      pool.shutdownNow();
    }
    try (var files = Files.list(otherStore.resolve(".kiln-bases"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("node.json", "node.lock");
    }
  }

  /**
   * Resolves twice: the first builds the base (or finds it from an earlier test), the second must
   * come from the cache, leaving the cache file untouched. Sizes and timings are printed for the
   * record, not asserted.
   */
  private static BaseImage resolveColdThenCached(Runtime runtime) throws IOException {
    Path cacheFile = new BaseCache(store, runtime).file();
    boolean cold = !Files.exists(cacheFile);
    long t0 = System.nanoTime();
    BaseImage first = BASES.resolve(runtime, store);
    long t1 = System.nanoTime();
    FileTime written = Files.getLastModifiedTime(cacheFile);
    BaseImage second = BASES.resolve(runtime, store);
    long t2 = System.nanoTime();

    assertThat(second).isEqualTo(first);
    assertThat(Files.getLastModifiedTime(cacheFile)).isEqualTo(written);
    for (Layer l : first.layers()) {
      assertThat(store.hasBlob(l.digest())).isTrue();
      assertThat(store.blobSize(l.digest())).isEqualTo(l.size());
    }
    System.out.printf(
        "base %-16s layers %s compressed bytes; %s resolve %d ms, cached resolve %.1f ms; %s%n",
        first.name(),
        cold ? "cold" : "warm",
        first.layers().stream().map(l -> Long.toString(l.size())).toList(),
        (t1 - t0) / 1_000_000,
        (t2 - t1) / 1e6,
        first.createdBy().get(first.createdBy().size() - 1));
    return first;
  }

  /**
   * Runs {@code command} with {@code rootfs} as root and the base's environment only, with {@code
   * /proc} mounted as any OCI runtime does: glibc finds {@code $ORIGIN} in a {@code RUNPATH} (the
   * JDK launcher's {@code $ORIGIN/../lib}) through {@code /proc/self/exe}. The mount lives in a
   * private mount namespace and goes away with the process.
   */
  private String runInRoot(BaseImage base, String... command) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "--pid",
                "--fork",
                "--mount-proc=" + rootfs.resolve("proc"),
                "chroot",
                rootfs.toString()));
    args.addAll(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true);
    pb.environment().clear();
    for (String e : base.runConfig().env()) {
      int eq = e.indexOf('=');
      pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES))
        .as("%s finished", String.join(" ", command))
        .isTrue();
    assertThat(p.exitValue())
        .as("exit code of %s; output:%n%s", String.join(" ", command), out)
        .isZero();
    return out;
  }
}
