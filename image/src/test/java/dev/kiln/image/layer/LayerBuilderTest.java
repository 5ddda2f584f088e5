package dev.kiln.image.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.Digest;
import dev.kiln.image.store.ImageStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerBuilderTest {

  @TempDir Path tmp;

  @Test
  void sameEntriesInAnyOrderGiveTheSameDigests() throws Exception {
    ImageStore a = ImageStore.open(tmp.resolve("a"));
    ImageStore b = ImageStore.open(tmp.resolve("b"));
    Layer first =
        LayerBuilder.create()
            .addText("app/b.txt", "b", 0644)
            .addText("app/a.txt", "a", 0644)
            .build(a);
    Layer second =
        LayerBuilder.create()
            .addText("/app/a.txt", "a", 0644)
            .addText("app//b.txt", "b", 0644)
            .build(b);
    assertThat(second).isEqualTo(first);
    assertThat(Digest.sha256(a.blobPath(first.digest()))).isEqualTo(first.digest());
  }

  @Test
  void entriesAreSortedWithParentsFixedTimesAndRootOwner() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("s"));
    Layer layer =
        LayerBuilder.create()
            .addText("opt/kiln/function/z.py", "z", 0644)
            .addText("opt/kiln/function/a.py", "a", 0755)
            .addSymlink("opt/kiln/latest", "function")
            .build(store);
    List<TarArchiveEntry> entries = read(store, layer);
    assertThat(entries)
        .extracting(TarArchiveEntry::getName)
        .containsExactly(
            "opt/",
            "opt/kiln/",
            "opt/kiln/function/",
            "opt/kiln/function/a.py",
            "opt/kiln/function/z.py",
            "opt/kiln/latest");
    assertThat(entries)
        .allSatisfy(
            e -> {
              assertThat(e.getModTime().getTime()).isEqualTo(1000L);
              assertThat(e.getLongUserId()).isZero();
              assertThat(e.getLongGroupId()).isZero();
              assertThat(e.getUserName()).isEmpty();
            });
    assertThat(entries.get(3).getMode() & 07777).isEqualTo(0755);
    assertThat(entries.get(5).isSymbolicLink()).isTrue();
    assertThat(entries.get(5).getLinkName()).isEqualTo("function");
  }

  @Test
  void longNamesSurviveThroughPaxHeaders() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("s"));
    String longName = "d/" + "x".repeat(180) + "/" + "y".repeat(120) + ".txt";
    Layer layer = LayerBuilder.create().addText(longName, "long", 0644).build(store);
    assertThat(read(store, layer)).extracting(TarArchiveEntry::getName).contains(longName);
  }

  @Test
  void diffIdIsTheDigestOfTheUncompressedTar() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("s"));
    Layer layer = LayerBuilder.create().addText("f", "hello", 0644).build(store);
    byte[] tar;
    try (InputStream in = new GZIPInputStream(store.openBlob(layer.digest()))) {
      tar = in.readAllBytes();
    }
    assertThat(layer.diffId()).isEqualTo(Digest.sha256(tar));
    assertThat(layer.size()).isEqualTo(Files.size(store.blobPath(layer.digest())));
  }

  @Test
  void contentKeyFollowsContentNotSourcePath() throws Exception {
    Path one = Files.writeString(tmp.resolve("one.txt"), "same");
    Path two = Files.writeString(tmp.resolve("two.txt"), "same");
    Path three = Files.writeString(tmp.resolve("three.txt"), "different");
    Digest k1 = LayerBuilder.create().addFile("a", one, 0644).contentKey();
    assertThat(LayerBuilder.create().addFile("a", two, 0644).contentKey()).isEqualTo(k1);
    assertThat(LayerBuilder.create().addFile("a", three, 0644).contentKey()).isNotEqualTo(k1);
    assertThat(LayerBuilder.create().addFile("a", one, 0755).contentKey()).isNotEqualTo(k1);
  }

  @Test
  void pathsAboveTheRootAreRejected() {
    assertThatThrownBy(() -> LayerBuilder.create().addText("../etc/passwd", "x", 0644))
        .hasMessage("path '../etc/passwd' leaves the image root");
  }

  static List<TarArchiveEntry> read(ImageStore store, Layer layer) throws Exception {
    List<TarArchiveEntry> out = new ArrayList<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GZIPInputStream(store.openBlob(layer.digest())))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        out.add(e);
      }
    }
    return out;
  }
}
