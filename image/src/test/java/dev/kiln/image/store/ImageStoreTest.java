package dev.kiln.image.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.Digest;
import dev.kiln.image.layer.Layer;
import dev.kiln.image.layer.LayerBuilder;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.ImageConfig;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.oci.MediaTypes;
import dev.kiln.image.oci.OciJson;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {

  @TempDir Path tmp;

  @Test
  void newStoreIsAnOciLayout() throws Exception {
    ImageStore.open(tmp.resolve("s"));
    assertThat(tmp.resolve("s/oci-layout")).hasContent("{\"imageLayoutVersion\":\"1.0.0\"}");
    assertThat(Files.readString(tmp.resolve("s/index.json"))).contains("\"schemaVersion\":2");
    assertThat(tmp.resolve("s/blobs/sha256")).isDirectory();
  }

  @Test
  void refusesADirectoryThatIsNotALayout() throws Exception {
    Files.writeString(tmp.resolve("random.txt"), "x");
    assertThatThrownBy(() -> ImageStore.open(tmp))
        .hasMessageContaining("is neither empty nor an OCI image layout");
  }

  @Test
  void mismatchedBlobIsDiscardedAndStoreUnchanged() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("s"));
    Digest claimed = Digest.sha256("expected".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(
            () ->
                store.putBlob(
                    new ByteArrayInputStream("tampered".getBytes(StandardCharsets.UTF_8)), claimed))
        .isInstanceOf(BlobDigestMismatchException.class)
        .hasMessageContaining("expected " + claimed)
        .hasMessageContaining("the blob was discarded");
    assertThat(listAll(tmp.resolve("s/blobs/sha256"))).isEmpty();
    assertThat(listAll(tmp.resolve("s/.kiln-tmp"))).isEmpty();
  }

  @Test
  void tagResolveUntagAndList() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("s"));
    Descriptor image = tinyImage(store, "one");
    store.tag("hello:1", image);
    store.tag("hello:2", image);
    assertThat(store.resolve("hello:1"))
        .get()
        .extracting(Descriptor::digest)
        .isEqualTo(image.digest());
    assertThat(store.images())
        .extracting(Descriptor::refName)
        .containsExactly("hello:1", "hello:2");
    assertThat(store.untag("hello:1")).isTrue();
    assertThat(store.untag("hello:1")).isFalse();
    assertThat(store.resolve("hello:1")).isEmpty();
  }

  @Test
  void taggingAnAbsentManifestFails() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("s"));
    Descriptor ghost =
        Descriptor.of(
            "application/vnd.oci.image.manifest.v1+json", Digest.sha256(new byte[] {1}), 1);
    assertThatThrownBy(() -> store.tag("x:1", ghost)).isInstanceOf(BlobNotFoundException.class);
  }

  @Test
  void gcRemovesOnlyUnreferencedBlobs() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("s"));
    Descriptor kept = tinyImage(store, "kept");
    Descriptor dropped = tinyImage(store, "dropped");
    store.tag("kept:1", kept);
    store.tag("dropped:1", dropped);
    store.untag("dropped:1");
    GcResult recent = store.gc(Duration.ofHours(1));
    assertThat(recent.blobsRemoved()).as("blobs inside the grace period stay").isZero();
    GcResult result = store.gc(Duration.ZERO);
    assertThat(result.blobsRemoved()).isEqualTo(3);
    assertThat(store.hasBlob(dropped.digest())).isFalse();
    assertThat(store.hasBlob(kept.digest())).isTrue();
    assertThat(store.readManifest(kept.digest()).layers())
        .allSatisfy(l -> assertThat(store.hasBlob(l.digest())).isTrue());
  }

  @Test
  void concurrentBuildsOfTheSameAndDifferentContentAllLand() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("s"));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Descriptor>> futures = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String content = "content-" + (i % 4);
        String name = "img" + i + ":1";
        futures.add(
            pool.submit(
                () -> {
                  Descriptor d = tinyImage(store, content);
                  store.tag(name, d);
                  return d;
                }));
      }
      for (Future<Descriptor> f : futures) {
        assertThat(store.hasBlob(f.get().digest())).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.images()).hasSize(32);
    assertThat(listAll(tmp.resolve("s/.kiln-tmp"))).isEmpty();
  }

  static Descriptor tinyImage(ImageStore store, String content) throws Exception {
    Layer layer = LayerBuilder.create().addText("data.txt", content, 0644).build(store);
    ImageConfig config = ImageConfig.empty().withLayer(layer.diffId(), "COPY data.txt /", null);
    BlobInfo configBlob = store.putBlob(OciJson.write(config));
    Manifest manifest =
        Manifest.oci(
            Descriptor.of(MediaTypes.OCI_CONFIG, configBlob.digest(), configBlob.size()),
            List.of(layer.descriptor()));
    BlobInfo manifestBlob = store.putBlob(OciJson.write(manifest));
    return Descriptor.of(MediaTypes.OCI_MANIFEST, manifestBlob.digest(), manifestBlob.size());
  }

  private static List<Path> listAll(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
