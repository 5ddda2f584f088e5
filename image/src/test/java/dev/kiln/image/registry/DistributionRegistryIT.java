package dev.kiln.image.registry;

import static dev.kiln.image.registry.RegistryFixtures.blobFiles;
import static dev.kiln.image.registry.RegistryFixtures.buildImage;
import static dev.kiln.image.registry.RegistryFixtures.buildLargeImage;
import static dev.kiln.image.registry.RegistryFixtures.fastClient;
import static dev.kiln.image.registry.RegistryFixtures.layerDigests;
import static dev.kiln.image.registry.RegistryFixtures.requireBinary;
import static dev.kiln.image.registry.RegistryFixtures.skopeoInspect;
import static dev.kiln.image.registry.RegistryFixtures.skopeoRawDigest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Digest;
import dev.kiln.common.ImageRef;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.registry.RegistryFixtures.RecordingListener;
import dev.kiln.image.store.ImageStore;
import dev.kiln.image.testing.DistributionRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kiln's registry client against the real Distribution registry, checked with skopeo. */
class DistributionRegistryIT {

  @TempDir Path tmp;

  @Test
  void pushedImageIsWhatSkopeoSeesAndPullsBackIdentically() throws Exception {
    requireBinary("skopeo");
    ImageStore store = ImageStore.open(tmp.resolve("store"));
    Descriptor image = buildImage(store, "hello:1", "runtime", "code v1");
    try (DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("registry"))) {
      RegistryClient client = fastClient().build();
      ImageRef ref = ImageRef.parse(registry.address() + "/fn/hello:1");

      Digest pushed = client.push(store, image, ref, ProgressListener.NOOP);

      assertThat(pushed).isEqualTo(image.digest());
      JsonNode inspect = skopeoInspect(registry.address() + "/fn/hello:1");
      assertThat(inspect.path("Digest").asText()).isEqualTo(image.digest().toString());
      List<String> layers = new ArrayList<>();
      inspect.path("Layers").forEach(l -> layers.add(l.asText()));
      assertThat(layers)
          .containsExactlyElementsOf(
              layerDigests(store, image).stream().map(Digest::toString).toList());
      assertThat(skopeoRawDigest(registry.address() + "/fn/hello:1")).isEqualTo(image.digest());

      ImageStore fresh = ImageStore.open(tmp.resolve("fresh"));
      RecordingListener pulled = new RecordingListener();
      Descriptor back = client.pull(ref, fresh, pulled);

      assertThat(back.digest()).isEqualTo(image.digest());
      assertThat(back.mediaType()).isEqualTo(image.mediaType());
      assertThat(blobFiles(fresh)).isEqualTo(blobFiles(store));
      assertThat(pulled.transferred).hasSize(3);
      assertThat(fresh.images()).as("pull does not name the image").isEmpty();
    }
  }

  @Test
  void secondImageSharingLayersSkipsThem() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("store"));
    Descriptor v1 = buildImage(store, "hello:1", "runtime", "code v1");
    Descriptor v2 = buildImage(store, "hello:2", "runtime", "code v2");
    try (DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("registry"))) {
      RegistryClient client = fastClient().build();
      client.push(
          store, v1, ImageRef.parse(registry.address() + "/fn/hello:1"), ProgressListener.NOOP);

      RecordingListener second = new RecordingListener();
      client.push(store, v2, ImageRef.parse(registry.address() + "/fn/hello:2"), second);

      Digest runtimeLayer = layerDigests(store, v1).get(0);
      assertThat(second.skipped).containsExactly(runtimeLayer);
      assertThat(second.transferred)
          .containsExactly(
              layerDigests(store, v2).get(1), store.readManifest(v2.digest()).config().digest());
      assertThat(second.manifests)
          .containsExactly(registry.address() + "/fn/hello:2 " + v2.digest());
    }
  }

  @Test
  void mountsBlobsFromAnotherRepository() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("store"));
    Descriptor image = buildImage(store, "hello:1", "runtime", "code");
    try (DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("registry"))) {
      RegistryClient client = fastClient().build();
      client.push(
          store, image, ImageRef.parse(registry.address() + "/fn/base:1"), ProgressListener.NOOP);

      RecordingListener listener = new RecordingListener();
      client.push(
          store, image, ImageRef.parse(registry.address() + "/fn/other:1"), "fn/base", listener);

      assertThat(listener.mounted).hasSize(3);
      assertThat(listener.transferred).isEmpty();
      assertThat(skopeoRawDigestIfPresent(registry.address() + "/fn/other:1"))
          .isEqualTo(image.digest());
    }
  }

  @Test
  void largeBlobsGoInChunks() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("store"));
    Descriptor image = buildLargeImage(store, "big:1", 300_000);
    try (DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("registry"))) {
      RegistryClient client = fastClient().chunkedUploads(100_000, 64 * 1024).build();
      ImageRef ref = ImageRef.parse(registry.address() + "/fn/big:1");
      client.push(store, image, ref, ProgressListener.NOOP);

      ImageStore fresh = ImageStore.open(tmp.resolve("fresh"));
      assertThat(client.pull(ref, fresh, ProgressListener.NOOP).digest()).isEqualTo(image.digest());
      assertThat(blobFiles(fresh)).isEqualTo(blobFiles(store));
    }
  }

  @Test
  void authenticatesWithHtpasswdAndReportsWrongPassword() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("store"));
    Descriptor image = buildImage(store, "hello:1", "code");
    try (DistributionRegistry registry =
        DistributionRegistry.start(tmp.resolve("registry"), "kiln", "s3cret")) {
      ImageRef ref = ImageRef.parse(registry.address() + "/fn/hello:1");
      RegistryClient good =
          fastClient()
              .credentials(registry.address(), new RegistryCredentials("kiln", "s3cret"))
              .build();

      assertThat(good.push(store, image, ref, ProgressListener.NOOP)).isEqualTo(image.digest());
      assertThat(
              good.pull(ref, ImageStore.open(tmp.resolve("fresh")), ProgressListener.NOOP).digest())
          .isEqualTo(image.digest());

      RegistryClient wrong =
          fastClient()
              .credentials(registry.address(), new RegistryCredentials("kiln", "wrong"))
              .build();
      assertThatThrownBy(() -> wrong.push(store, image, ref, ProgressListener.NOOP))
          .isInstanceOf(RegistryUnauthorizedException.class)
          .hasMessage(
              "registry "
                  + registry.address()
                  + " refused credentials for repository fn/hello (401) while pushing a blob:"
                  + " check KILN_REGISTRY_USER/KILN_REGISTRY_PASSWORD");

      RegistryClient anonymous = fastClient().build();
      assertThatThrownBy(
              () ->
                  anonymous.pull(ref, ImageStore.open(tmp.resolve("anon")), ProgressListener.NOOP))
          .isInstanceOf(RegistryUnauthorizedException.class)
          .hasMessageContaining("requires credentials for repository fn/hello (401)")
          .hasMessageContaining("set KILN_REGISTRY_USER/KILN_REGISTRY_PASSWORD");
    }
  }

  @Test
  void missingTagIsImageNotFound() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("store"));
    Descriptor image = buildImage(store, "hello:1", "code");
    try (DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("registry"))) {
      RegistryClient client = fastClient().build();
      client.push(
          store, image, ImageRef.parse(registry.address() + "/fn/hello:1"), ProgressListener.NOOP);

      ImageRef missing = ImageRef.parse(registry.address() + "/fn/hello:2");
      assertThatThrownBy(() -> client.pull(missing, store, ProgressListener.NOOP))
          .isInstanceOf(ImageNotFoundException.class)
          .hasMessageStartingWith("image " + registry.address() + "/fn/hello:2 not found");
    }
  }

  private static Digest skopeoRawDigestIfPresent(String image) throws Exception {
    requireBinary("skopeo");
    return skopeoRawDigest(image);
  }
}
