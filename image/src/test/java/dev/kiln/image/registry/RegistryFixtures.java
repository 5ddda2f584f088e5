package dev.kiln.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.common.Digest;
import dev.kiln.image.layer.Layer;
import dev.kiln.image.layer.LayerBuilder;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.ImageConfig;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.oci.MediaTypes;
import dev.kiln.image.oci.OciJson;
import dev.kiln.image.store.BlobInfo;
import dev.kiln.image.store.ImageStore;
import dev.kiln.image.testing.Tools;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * What the registry tests share: images built into a store, the real Distribution registry and
 * skopeo as processes, fake servers for failure injection, and a listener that records events.
 */
final class RegistryFixtures {

  private RegistryFixtures() {}

  // ---- tools ---------------------------------------------------------------------------------

  /** Skips without {@code binary} (fails under CI=true): see {@link Tools#require}. */
  static void requireBinary(String binary) {
    Tools.require(binary, "a registry test runs it");
  }

  /** Runs a command that must succeed; returns its standard output. */
  static String runOk(String... command) throws IOException, InterruptedException {
    return Tools.run(command).ok();
  }

  /** {@code skopeo inspect --raw}-less inspect of an image in a plain-HTTP registry. */
  static JsonNode skopeoInspect(String image, String... extraArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("skopeo", "inspect", "--tls-verify=false"));
    cmd.addAll(List.of(extraArgs));
    cmd.add("docker://" + image);
    return OciJson.mapper().readTree(runOk(cmd.toArray(String[]::new)));
  }

  /** The digest skopeo computes for a manifest it fetches raw. */
  static Digest skopeoRawDigest(String image) throws Exception {
    String raw = runOk("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + image);
    return Digest.sha256(raw.getBytes(StandardCharsets.UTF_8));
  }

  static int freePort() throws IOException {
    return Tools.freePort();
  }

  // ---- images --------------------------------------------------------------------------------

  /**
   * Builds an image with one layer per text (each a file {@code /app/layer<i>.txt}), stores it and
   * names it {@code name}.
   */
  static Descriptor buildImage(ImageStore store, String name, String... layerTexts)
      throws IOException {
    ImageConfig config = ImageConfig.empty();
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < layerTexts.length; i++) {
      Layer layer =
          LayerBuilder.create().addText("app/layer" + i + ".txt", layerTexts[i], 0644).build(store);
      layers.add(layer.descriptor());
      config = config.withLayer(layer.diffId(), "COPY layer" + i + ".txt /app/", null);
    }
    return storeImage(store, name, config, layers);
  }

  /** Builds an image whose one layer holds {@code bytes} of incompressible data. */
  static Descriptor buildLargeImage(ImageStore store, String name, int bytes) throws IOException {
    byte[] data = new byte[bytes];
    new java.util.Random(42).nextBytes(data);
    Layer layer = LayerBuilder.create().addBytes("app/data.bin", data, 0644).build(store);
    ImageConfig config = ImageConfig.empty().withLayer(layer.diffId(), "COPY data.bin /app/", null);
    return storeImage(store, name, config, List.of(layer.descriptor()));
  }

  private static Descriptor storeImage(
      ImageStore store, String name, ImageConfig config, List<Descriptor> layers)
      throws IOException {
    BlobInfo configBlob = store.putBlob(OciJson.write(config));
    Manifest manifest =
        Manifest.oci(
            Descriptor.of(MediaTypes.OCI_CONFIG, configBlob.digest(), configBlob.size()), layers);
    BlobInfo manifestBlob = store.putBlob(OciJson.write(manifest));
    Descriptor d =
        Descriptor.of(MediaTypes.OCI_MANIFEST, manifestBlob.digest(), manifestBlob.size());
    store.tag(name, d);
    return d;
  }

  /** The digests of an image's layers, base first. */
  static List<Digest> layerDigests(ImageStore store, Descriptor manifest) throws IOException {
    return store.readManifest(manifest.digest()).layers().stream().map(Descriptor::digest).toList();
  }

  /** Every blob file in the store. */
  static Set<String> blobFiles(ImageStore store) throws IOException {
    try (Stream<Path> s = Files.list(store.root().resolve("blobs").resolve("sha256"))) {
      return s.map(p -> p.getFileName().toString())
          .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }
  }

  // ---- processes and servers ------------------------------------------------------------------

  /** A JDK HTTP server on a loopback port, for answers no real registry gives. */
  static HttpServer fakeServer(HttpHandler handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", handler);
    server.start();
    return server;
  }

  /** Kiln's registry server for {@code handler} on a loopback port. */
  static RegistryServer kilnServer(RegistryHandler handler) throws IOException {
    return kilnServer(handler::handle);
  }

  /** Kiln's registry server around a wrapped handler, for fault injection. */
  static RegistryServer kilnServer(
      java.util.function.Function<RegistryRequest, RegistryResponse> handler) throws IOException {
    RegistryServer server = new RegistryServer(handler);
    server.start(new InetSocketAddress("127.0.0.1", 0));
    return server;
  }

  /** {@code 127.0.0.1:<port>} of a running server. */
  static String address(RegistryServer server) {
    return "127.0.0.1:" + server.address().getPort();
  }

  /** A client that retries quickly, for tests. */
  static RegistryClient.Builder fastClient() {
    return RegistryClient.builder().retries(3, Duration.ofMillis(10));
  }

  // ---- events --------------------------------------------------------------------------------

  /** Records every event of a push or pull. */
  static final class RecordingListener implements ProgressListener {
    final List<Digest> skipped = new CopyOnWriteArrayList<>();
    final List<Digest> mounted = new CopyOnWriteArrayList<>();
    final List<Digest> transferred = new CopyOnWriteArrayList<>();
    final List<String> manifests = new CopyOnWriteArrayList<>();

    @Override
    public void blobSkipped(Digest digest, long size) {
      skipped.add(digest);
    }

    @Override
    public void blobMounted(Digest digest, long size, String fromRepository) {
      mounted.add(digest);
    }

    @Override
    public void blobTransferred(Digest digest, long size) {
      transferred.add(digest);
    }

    @Override
    public void manifestPushed(dev.kiln.common.ImageRef ref, Digest digest) {
      manifests.add(ref + " " + digest);
    }
  }
}
