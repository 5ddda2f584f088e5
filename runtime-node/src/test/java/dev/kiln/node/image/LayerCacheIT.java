package dev.kiln.node.image;

import static dev.kiln.node.image.HostileLayerIT.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.Digest;
import dev.kiln.node.sys.Libc;
import dev.kiln.node.testing.Privileges;
import dev.kiln.node.testing.Tars;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Good layers through the cache, as root: the tree, whiteouts, concurrency and eviction. */
class LayerCacheIT {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  @TempDir Path temp;

  @BeforeEach
  void requireRoot() {
    Privileges.requireRootAndOverlay();
  }

  @Test
  void unpacksFilesLinksModesOwnersAndTimes() throws IOException {
    Tars tar =
        Tars.builder()
            .dir("usr/bin", 0750)
            .file("usr/bin/tool", "#!/bin/sh\n".getBytes(), 0711, 1234, 5678)
            .hardlink("usr/bin/tool2", "usr/bin/tool")
            .symlink("bin", "/usr/bin")
            .symlink("etc/rel", "../usr/bin/tool")
            .file("etc/rel-target-replaced", "old")
            .file("etc/rel-target-replaced", "new");
    LayerCache cache = LayerCache.open(temp.resolve("cache"), 1L << 30);
    Path layer = cache.ensure(tar.diffId(), source(tar.gzip()));

    assertThat(layer).isEqualTo(temp.resolve("cache/layers/" + tar.diffId().hex()));
    Path tool = layer.resolve("usr/bin/tool");
    assertThat(tool).hasContent("#!/bin/sh");
    assertThat(Files.getAttribute(tool, "unix:uid")).isEqualTo(1234);
    assertThat(Files.getAttribute(tool, "unix:gid")).isEqualTo(5678);
    assertThat((Integer) Files.getAttribute(tool, "unix:mode") & 07777).isEqualTo(0711);
    assertThat(Files.getLastModifiedTime(tool).toInstant()).isEqualTo(Tars.MTIME);
    assertThat(Files.getLastModifiedTime(layer.resolve("usr/bin")).toInstant())
        .isEqualTo(Tars.MTIME);
    assertThat((Integer) Files.getAttribute(layer.resolve("usr/bin"), "unix:mode") & 07777)
        .isEqualTo(0750);
    assertThat(Files.isSameFile(tool, layer.resolve("usr/bin/tool2"))).isTrue();
    assertThat(Files.readSymbolicLink(layer.resolve("bin"))).isEqualTo(Path.of("/usr/bin"));
    assertThat(Files.readSymbolicLink(layer.resolve("etc/rel")))
        .isEqualTo(Path.of("../usr/bin/tool"));
    assertThat(Files.getLastModifiedTime(layer.resolve("bin"), NOFOLLOW).toInstant())
        .isEqualTo(Tars.MTIME);
    assertThat(layer.resolve("etc/rel-target-replaced")).hasContent("new");
    assertThat(cache.layers())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.diffId()).isEqualTo(tar.diffId());
              assertThat(l.sizeBytes()).isEqualTo("#!/bin/sh\n".length() + "new".length());
            });
  }

  @Test
  void convertsOciWhiteoutsToOverlayfsWhiteouts() throws IOException {
    Tars tar =
        Tars.builder()
            .dir("a")
            .whiteout("a", "x")
            .whiteout("", "gone")
            .opaque("b")
            .file("b/z", "z")
            .whiteout("c", "d")
            .dir("c/d")
            .file("kept", "k")
            .whiteout("", "kept");
    Path layer =
        LayerCache.open(temp.resolve("cache"), 1L << 30).ensure(tar.diffId(), source(tar.tar()));

    assertWhiteout(layer.resolve("a/x"));
    assertWhiteout(layer.resolve("gone"));
    assertThat(layer.resolve("a/.wh.x")).doesNotExist();
    assertThat(Libc.getXattr(layer.resolve("b"), LayerWriter.OPAQUE_XATTR)).contains("y");
    assertThat(layer.resolve("b/.wh..wh..opq")).doesNotExist();
    assertThat(layer.resolve("b/z")).hasContent("z");
    // Deleted then re-created as a directory in the same layer: opaque, not a merge.
    assertThat(Files.isDirectory(layer.resolve("c/d"), NOFOLLOW)).isTrue();
    assertThat(Libc.getXattr(layer.resolve("c/d"), LayerWriter.OPAQUE_XATTR)).contains("y");
    // A whiteout only hides lower layers; this layer's own file stays.
    assertThat(layer.resolve("kept")).hasContent("k");
  }

  @Test
  void concurrentEnsuresOfOneLayerUnpackItOnce() throws Exception {
    Tars tar = Tars.builder().zeros("big", 8 << 20).file("small", "s");
    byte[] blob = tar.gzip();
    AtomicInteger opens = new AtomicInteger();
    LayerSource counting =
        () -> {
          opens.incrementAndGet();
          return new ByteArrayInputStream(blob);
        };
    LayerCache cache = LayerCache.open(temp.resolve("cache"), 1L << 30);
    LayerCache sameDirOtherInstance = LayerCache.open(temp.resolve("cache"), 1L << 30);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Path>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        LayerCache c = i % 2 == 0 ? cache : sameDirOtherInstance;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return c.ensure(tar.diffId(), counting);
                }));
      }
      start.countDown();
      for (Future<Path> r : results) {
        assertThat(r.get()).isEqualTo(temp.resolve("cache/layers/" + tar.diffId().hex()));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(opens).hasValue(1);
    assertThat(temp.resolve("cache/tmp")).isEmptyDirectory();
  }

  @Test
  void openDeletesHalfUnpackedLeftoversThatNoOneIsWorkingOn() throws IOException {
    LayerCache.open(temp.resolve("cache"), 1L << 30);
    String hex = "ab".repeat(32);
    Path leftover = Files.createDirectories(temp.resolve("cache/tmp/" + hex + ".dead/usr/bin"));
    Files.writeString(leftover.resolve("half"), "written before a crash");
    LayerCache cache = LayerCache.open(temp.resolve("cache"), 1L << 30);
    assertThat(temp.resolve("cache/tmp")).isEmptyDirectory();
    assertThat(cache.find(new Digest("sha256", hex))).isEmpty();
  }

  @Test
  void evictsLeastRecentlyUsedLayersNotInUseUntilWithinBudget() throws IOException {
    LayerCache cache = LayerCache.open(temp.resolve("cache"), 2500);
    List<Digest> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Tars tar = Tars.builder().file("f" + i, new byte[1000], 0644);
      cache.ensure(tar.diffId(), source(tar.tar()));
      ids.add(tar.diffId());
    }
    // Use order now: 1, 2, 0, 3 (oldest first); layer 1 is the LRU but still mounted.
    cache.ensure(
        ids.get(0),
        () -> {
          throw new AssertionError("cached; must not be opened");
        });
    cache.ensure(
        ids.get(3),
        () -> {
          throw new AssertionError("cached; must not be opened");
        });

    List<Digest> evicted = cache.evictToBudget(Set.of(ids.get(1)));

    assertThat(evicted).containsExactly(ids.get(2), ids.get(0));
    assertThat(cache.layers())
        .extracting(CachedLayer::diffId)
        .containsExactly(ids.get(1), ids.get(3));
    assertThat(cache.usedBytes()).isEqualTo(2000);
    assertThat(cache.find(ids.get(2))).isEmpty();
    assertThat(temp.resolve("cache/tmp")).isEmptyDirectory();
    assertThat(cache.evictToBudget(Set.of())).isEmpty();
  }

  @Test
  void measuresUnpackingAFiftyMegabyteLayer() throws IOException {
    Random random = new Random(42);
    Tars tar = Tars.builder();
    for (int i = 0; i < 500; i++) {
      byte[] content = new byte[100_000];
      random.nextBytes(content);
      // Half random (incompressible), half text-like, as code layers are.
      if (i % 2 == 0) {
        java.util.Arrays.fill(content, (byte) ('a' + i % 26));
      }
      tar.file("app/lib/m" + (i / 50) + "/f" + i + ".bin", content, 0644);
    }
    byte[] blob = tar.gzip();
    long[] millis = new long[3];
    for (int run = 0; run < millis.length; run++) {
      LayerCache cache = LayerCache.open(temp.resolve("bench" + run), 1L << 34);
      long t0 = System.nanoTime();
      cache.ensure(tar.diffId(), source(blob));
      millis[run] = (System.nanoTime() - t0) / 1_000_000;
    }
    java.util.Arrays.sort(millis);
    System.out.printf(
        "[bench] unpack %d MB tar (%d MB gzip, 500 files): median %d ms of %d runs%n",
        tar.tar().length >> 20, blob.length >> 20, millis[1], millis.length);
  }

  private static void assertWhiteout(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW);
    assertThat(mode & 0170000).as("file type of %s", p).isEqualTo(Libc.S_IFCHR);
    assertThat(Files.getAttribute(p, "unix:rdev", NOFOLLOW)).isEqualTo(0L);
  }
}
