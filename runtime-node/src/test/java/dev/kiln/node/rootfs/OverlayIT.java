package dev.kiln.node.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.node.image.LayerCache;
import dev.kiln.node.sys.NativeCallException;
import dev.kiln.node.testing.Privileges;
import dev.kiln.node.testing.Tars;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real overlayfs mounts of cached layers, as root. */
class OverlayIT {
  @TempDir Path temp;
  private LayerCache cache;

  @BeforeEach
  void setUp() throws IOException {
    Privileges.requireRootAndOverlay();
    cache = LayerCache.open(temp.resolve("cache"), 1L << 30);
  }

  @AfterEach
  void unmountLeftovers() throws IOException {
    MountTable.unmountAllUnder(temp);
  }

  @Test
  void whiteoutsAndOpaqueDirectoriesHideLowerContent() throws IOException {
    Path layer1 = layer(Tars.builder().file("a/x", "x").file("a/w", "w").file("b/y", "y"));
    Path layer2 = layer(Tars.builder().whiteout("a", "x").opaque("b").file("b/z", "z"));

    try (ContainerRootfs c =
        OverlayMounter.create().create("c1", List.of(layer2, layer1), temp.resolve("c1"))) {
      Path root = c.rootfs();
      assertThat(c.isMounted()).isTrue();
      assertThat(root.resolve("a/x")).doesNotExist();
      assertThat(root.resolve("a/w")).hasContent("w");
      assertThat(list(root.resolve("b"))).containsExactly("z");
      assertThat(MountTable.read().under(root))
          .singleElement()
          .satisfies(m -> assertThat(m.source()).isEqualTo("kiln-c1"))
          .satisfies(m -> assertThat(m.fsType()).isEqualTo("overlay"));
    }
  }

  @Test
  void writesGoToTheUpperDirAndDieWithTheContainer() throws IOException {
    Path lower = layer(Tars.builder().file("etc/conf", "image").file("etc/other", "o"));
    Path dir = temp.resolve("c2");
    ContainerRootfs c = OverlayMounter.create().create("c2", List.of(lower), dir);
    Files.writeString(c.rootfs().resolve("etc/conf"), "container");
    Files.writeString(c.rootfs().resolve("new"), "n");
    Files.delete(c.rootfs().resolve("etc/other"));

    assertThat(c.upperDir().resolve("etc/conf")).hasContent("container");
    assertThat(c.upperDir().resolve("new")).hasContent("n");
    assertThat(lower.resolve("etc/conf")).hasContent("image");
    assertThat(lower.resolve("etc/other")).hasContent("o");

    c.close();
    assertThat(c.isMounted()).isFalse();
    assertThat(dir.resolve("upper")).doesNotExist();
    assertThat(dir.resolve("work")).doesNotExist();
    assertThat(dir.resolve("rootfs")).doesNotExist();
    assertThat(lower.resolve("etc/conf")).hasContent("image");
    assertThat(lower.resolve("new")).doesNotExist();
    c.close();
  }

  @Test
  void mountsManyLayersBeyondWhatAPageOfOptionsHolds() throws IOException {
    List<Path> lowers = manyLowers(120);
    String options = OverlayOptions.classic(lowers, temp.resolve("u"), temp.resolve("w"));
    assertThat(OverlayOptions.fitsInPage(options)).as("classic options size").isFalse();

    try (ContainerRootfs c = OverlayMounter.create().create("many", lowers, temp.resolve("many"))) {
      assertThat(c.rootfs().resolve("shared")).hasContent("layer 0");
      assertThat(c.rootfs().resolve("only-119")).hasContent("119");
      assertThat(c.rootfs().resolve("only-0")).hasContent("0");
      assertThat(list(c.rootfs())).hasSize(121);
    }
  }

  @Test
  void classicMountRefusesOptionsOverAPageWithAClearMessage() throws IOException {
    List<Path> lowers = manyLowers(120);
    OverlayMounter classic = new OverlayMounter(OverlayMounter.Api.CLASSIC);
    assertThatThrownBy(() -> classic.create("classic", lowers, temp.resolve("cl")))
        .hasMessageStartingWith(
            "mount overlay on "
                + temp.resolve("cl/rootfs")
                + " failed: the mount(2) options for"
                + " 120 lower dirs take ")
        .hasMessageContaining("more than one page (4096)");
    assertThat(temp.resolve("cl/upper")).doesNotExist();

    try (ContainerRootfs c = classic.create("few", lowers.subList(0, 3), temp.resolve("few"))) {
      assertThat(c.rootfs().resolve("shared")).hasContent("layer 0");
      assertThat(list(c.rootfs())).hasSize(4);
    }
  }

  @Test
  void lowerDirsWithPathsLongerThanFsconfigStringsArePassedByDescriptor() throws IOException {
    Path deep = temp.resolve("x".repeat(120)).resolve("y".repeat(120)).resolve("z".repeat(40));
    Files.createDirectories(deep);
    Files.writeString(deep.resolve("file"), "deep");
    assertThat(deep.toString().length()).isGreaterThan(255);
    try (ContainerRootfs c =
        new OverlayMounter(OverlayMounter.Api.NEW)
            .create("deep", List.of(deep), temp.resolve("d"))) {
      assertThat(c.rootfs().resolve("file")).hasContent("deep");
    }
  }

  @Test
  void kernelRefusalsNameTheTargetErrnoAndLayerCount() throws IOException {
    Path lower = layer(Tars.builder().file("f", "f"));
    Path upper = Files.createDirectories(temp.resolve("bad/upper"));
    Path work = Files.createDirectories(upper.resolve("work"));
    Path target = Files.createDirectories(temp.resolve("bad/rootfs"));
    assertThatThrownBy(
            () -> OverlayMounter.create().mount("kiln-bad", List.of(lower), upper, work, target))
        .isInstanceOf(NativeCallException.class)
        .hasMessageStartingWith(
            "mount overlay on " + target + " failed: EINVAL (Invalid argument) (lowerdir count 1");
    assertThat(MountTable.read().isMountPoint(target)).isFalse();
  }

  @Test
  void unmountAllUnderDetachesNestedMountsDeepestFirst() throws IOException {
    Path lower = layer(Tars.builder().dir("inner"));
    OverlayMounter mounter = OverlayMounter.create();
    ContainerRootfs outer = mounter.create("outer", List.of(lower), temp.resolve("n/outer"));
    Path innerUpper = Files.createDirectories(temp.resolve("n/iu"));
    Path innerWork = Files.createDirectories(temp.resolve("n/iw"));
    mounter.mount(
        "kiln-inner", List.of(lower), innerUpper, innerWork, outer.rootfs().resolve("inner"));
    assertThat(MountTable.read().under(temp.resolve("n"))).hasSize(2);

    assertThat(MountTable.unmountAllUnder(temp.resolve("n"))).isEqualTo(2);
    assertThat(MountTable.read().under(temp.resolve("n"))).isEmpty();
    assertThat(MountTable.unmountAllUnder(temp.resolve("n"))).isZero();
  }

  @Test
  void measuresMountTimeForOneAndManyLayers() throws IOException {
    List<Path> many = manyLowers(120);
    long one = medianMountMicros(many.subList(0, 1), "one");
    long hundredTwenty = medianMountMicros(many, "all");
    System.out.printf(
        "[bench] overlay rootfs create (mkdirs + new-API mount): 1 layer median %d us, 120 layers median %d"
            + " us (%.1fx)%n",
        one, hundredTwenty, (double) hundredTwenty / one);
  }

  private long medianMountMicros(List<Path> lowers, String name) throws IOException {
    long[] micros = new long[9];
    for (int i = 0; i < micros.length; i++) {
      long t0 = System.nanoTime();
      ContainerRootfs c =
          OverlayMounter.create().create(name + i, lowers, temp.resolve("bench/" + name + i));
      micros[i] = (System.nanoTime() - t0) / 1000;
      c.close();
    }
    Arrays.sort(micros);
    return micros[micros.length / 2];
  }

  /** {@code n} lower dirs with long names; each has only-i, and all have "shared" (top wins). */
  private List<Path> manyLowers(int n) throws IOException {
    List<Path> lowers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path dir =
          temp.resolve("layers-with-rather-long-names")
              .resolve("layer-%03d-%s".formatted(i, "p".repeat(40)));
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("only-" + i), String.valueOf(i));
      Files.writeString(dir.resolve("shared"), "layer " + i);
      lowers.add(dir);
    }
    return lowers;
  }

  private Path layer(Tars tar) throws IOException {
    byte[] blob = tar.gzip();
    return cache.ensure(tar.diffId(), () -> new ByteArrayInputStream(blob));
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
