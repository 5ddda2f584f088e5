package dev.kiln.node.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.Digest;
import dev.kiln.node.sys.FileTrees;
import dev.kiln.node.testing.Privileges;
import dev.kiln.node.testing.Tars;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile layer tars against the real filesystem, as root: each is refused (or defused) and leaves
 * nothing in the cache and nothing outside it.
 */
class HostileLayerIT {
  @TempDir Path temp;
  private Path cacheRoot;
  private LayerCache cache;
  private final String random = UUID.randomUUID().toString();
  private final Path outside = Path.of("/tmp/kiln-outside-" + random);

  @BeforeEach
  void setUp() throws IOException {
    Privileges.requireRootAndOverlay();
    cacheRoot = temp.resolve("deep/er/cache");
    cache = LayerCache.open(cacheRoot, 1L << 30);
  }

  @AfterEach
  void cleanUp() throws IOException {
    FileTrees.deleteTree(outside);
  }

  @Test
  void dotDotEscapeIsRefused() throws IOException {
    Tars tar = Tars.builder().dir("etc").file("../../../../escaped-" + random, "pwned");
    assertRefused(tar, "entry '../../../../escaped-" + random + "' escapes the layer root");
    try (Stream<Path> all = Files.walk(temp)) {
      assertThat(all.filter(p -> p.getFileName().toString().contains(random))).isEmpty();
    }
  }

  @Test
  void absolutePathsAreMadeRelativeToTheLayer() throws IOException {
    Tars tar = Tars.builder().file(outside + "/abs", "inside");
    Path layer = cache.ensure(tar.diffId(), source(tar.tar()));
    assertThat(layer.resolve(outside.toString().substring(1)).resolve("abs")).hasContent("inside");
    assertThat(outside).doesNotExist();
  }

  @Test
  void writingThroughASymlinkIsRefused() throws IOException {
    Files.createDirectories(outside);
    Tars tar = Tars.builder().symlink("a", outside.toString()).file("a/evil", "pwned");
    assertRefused(
        tar, "entry 'a/evil' lies beneath 'a', a symlink; writing through symlinks is refused");
    assertThat(outside.resolve("evil")).doesNotExist();
  }

  @Test
  void writingThroughARelativeSymlinkChainIsRefused() throws IOException {
    Tars tar =
        Tars.builder()
            .dir("x")
            .symlink("x/up", "../../../../../../../../../../tmp")
            .dir("x/up/kiln-outside-" + random);
    assertRefused(tar, "lies beneath 'x/up', a symlink");
    assertThat(outside).doesNotExist();
  }

  @Test
  void hardlinkToAHostFileIsRefused() throws IOException {
    Object linksBefore = Files.getAttribute(Path.of("/etc/passwd"), "unix:nlink");
    Tars tar = Tars.builder().hardlink("passwd", "/etc/passwd");
    assertRefused(
        tar,
        "entry 'passwd' is a hardlink to 'etc/passwd', which is not an earlier regular file of"
            + " this layer");
    assertThat(Files.getAttribute(Path.of("/etc/passwd"), "unix:nlink")).isEqualTo(linksBefore);
  }

  @Test
  void hardlinkOutOfTheLayerIsRefused() throws IOException {
    assertRefused(
        Tars.builder().hardlink("h", "../../outside"), "entry 'h' escapes the layer root");
  }

  @Test
  void hardlinkThroughASymlinkIsRefused() throws IOException {
    Files.createDirectories(outside);
    Files.writeString(outside.resolve("secret"), "s");
    Tars tar = Tars.builder().symlink("s", outside.toString()).hardlink("h", "s/secret");
    assertRefused(tar, "is a hardlink to 's/secret', which is not an earlier regular file");
    assertThat(Files.getAttribute(outside.resolve("secret"), "unix:nlink")).isEqualTo(1);
  }

  @Test
  void characterDeviceIsRefused() throws IOException {
    assertRefused(
        Tars.builder().dir("dev").charDevice("dev/mem", 1, 1),
        "entry 'dev/mem' is a character device; device nodes are not allowed in layers");
  }

  @Test
  void blockDeviceIsRefused() throws IOException {
    assertRefused(
        Tars.builder().blockDevice("sda", 8, 0),
        "entry 'sda' is a block device; device nodes are not allowed in layers");
  }

  @Test
  void fifoIsRefused() throws IOException {
    assertRefused(
        Tars.builder().fifo("pipe"),
        "entry 'pipe' is a fifo; device nodes and fifos are not allowed in layers");
  }

  @Test
  void setuidAndSetgidBitsAreStripped() throws IOException {
    Tars tar =
        Tars.builder()
            .file("bin/su", "#!/bin/sh\n".getBytes(), 04755)
            .file("bin/wall", new byte[0], 02755)
            .dir("tmp", 01777);
    Path layer = cache.ensure(tar.diffId(), source(tar.tar()));
    assertThat(mode(layer.resolve("bin/su"))).isEqualTo(0755);
    assertThat(mode(layer.resolve("bin/wall"))).isEqualTo(0755);
    assertThat(mode(layer.resolve("tmp"))).isEqualTo(01777);
  }

  @Test
  void decompressionBombOverTheSizeLimitIsRefused() throws IOException {
    LayerCache small =
        LayerCache.open(
            temp.resolve("small"), 1L << 30, UnpackLimits.DEFAULTS.withMaxTotalBytes(4 << 20));
    Tars tar = Tars.builder().file("ok", "fine").zeros("bomb", 64L << 20);
    byte[] gzip = tar.gzip();
    assertThat(gzip.length).isLessThan(1 << 20);
    assertThatThrownBy(() -> small.ensure(tar.diffId(), source(gzip)))
        .isInstanceOf(HostileLayerException.class)
        .hasMessageContaining(
            "entry 'bomb' takes the layer over the limit of 4194304 uncompressed bytes");
    assertNothingKept(temp.resolve("small"));
  }

  @Test
  void tooManyEntriesAreRefused() throws IOException {
    LayerCache small =
        LayerCache.open(temp.resolve("few"), 1L << 30, UnpackLimits.DEFAULTS.withMaxEntries(100));
    Tars tar = Tars.builder();
    for (int i = 0; i < 101; i++) {
      tar.file("f" + i, "");
    }
    assertThatThrownBy(() -> small.ensure(tar.diffId(), source(tar.tar())))
        .isInstanceOf(HostileLayerException.class)
        .hasMessageContaining("entry 'f100' exceeds the limit of 100 entries");
    assertNothingKept(temp.resolve("few"));
  }

  @Test
  void contentNotMatchingTheDiffIdIsDiscarded() throws IOException {
    Tars tar = Tars.builder().file("a", "a");
    Digest claimed = Digest.sha256("something else".getBytes());
    assertThatThrownBy(() -> cache.ensure(claimed, source(tar.tar())))
        .isInstanceOf(LayerDigestMismatchException.class)
        .hasMessage(
            "layer "
                + claimed
                + ": the uncompressed tar (diff_id) hashes to "
                + tar.diffId()
                + ", not to "
                + claimed
                + "; the unpacked layer was discarded");
    assertNothingKept(cacheRoot);
  }

  @Test
  void blobNotMatchingItsCompressedDigestIsDiscarded() throws IOException {
    Tars tar = Tars.builder().file("a", "a");
    Digest wrong = Digest.sha256("not the blob".getBytes());
    Path blob = Files.write(temp.resolve("blob"), tar.gzip());
    assertThatThrownBy(() -> cache.ensure(tar.diffId(), LayerSource.ofFile(blob, wrong)))
        .isInstanceOf(LayerDigestMismatchException.class)
        .hasMessageContaining("the blob hashes to " + Digest.sha256(tar.gzip()));
    assertNothingKept(cacheRoot);
  }

  private void assertRefused(Tars tar, String message) throws IOException {
    assertThatThrownBy(() -> cache.ensure(tar.diffId(), source(tar.tar())))
        .isInstanceOf(HostileLayerException.class)
        .hasMessageStartingWith("layer " + tar.diffId() + ": ")
        .hasMessageContaining(message);
    assertNothingKept(cacheRoot);
  }

  private static void assertNothingKept(Path root) throws IOException {
    assertThat(root.resolve("layers")).isEmptyDirectory();
    assertThat(root.resolve("tmp")).isEmptyDirectory();
  }

  private static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  static LayerSource source(byte[] blob) {
    return () -> new ByteArrayInputStream(blob);
  }
}
