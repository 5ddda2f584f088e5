package dev.kiln.image.registry;

import static dev.kiln.image.registry.RegistryFixtures.address;
import static dev.kiln.image.registry.RegistryFixtures.blobFiles;
import static dev.kiln.image.registry.RegistryFixtures.buildImage;
import static dev.kiln.image.registry.RegistryFixtures.buildLargeImage;
import static dev.kiln.image.registry.RegistryFixtures.fastClient;
import static dev.kiln.image.registry.RegistryFixtures.kilnServer;
import static dev.kiln.image.registry.RegistryFixtures.requireBinary;
import static dev.kiln.image.registry.RegistryFixtures.runOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.ImageRef;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.registry.RegistryFixtures.RecordingListener;
import dev.kiln.image.store.ImageStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kiln's own registry server, driven by skopeo and by Kiln's client.
 *
 * <p>Each skopeo call takes about ten seconds: skopeo probes HTTPS first, the JDK's HTTP server
 * never answers a TLS handshake, and skopeo falls back to HTTP only after its handshake timeout.
 * Hence few skopeo calls here; tag listing and auth refusals are covered by Kiln's client.
 */
class KilnRegistryServerIT {

  @TempDir Path tmp;

  @Test
  void skopeoPushesIntoKilnAndPullsBackOut() throws Exception {
    requireBinary("skopeo");
    ImageStore layout = ImageStore.open(tmp.resolve("layout"));
    Descriptor image = buildImage(layout, "fn/x:1", "runtime", "code");
    ImageStore served = ImageStore.open(tmp.resolve("served"));
    try (RegistryServer server = kilnServer(new RegistryHandler(served))) {
      String repo = address(server) + "/fn/x:1";

      runOk(
          "skopeo",
          "copy",
          "--dest-tls-verify=false",
          "oci:" + layout.root() + ":fn/x:1",
          "docker://" + repo);

      assertThat(served.resolve("fn/x:1")).map(Descriptor::digest).contains(image.digest());

      Path out = tmp.resolve("out");
      runOk("skopeo", "copy", "--src-tls-verify=false", "docker://" + repo, "oci:" + out + ":x");

      assertThat(ImageStore.open(out).resolve("x"))
          .map(Descriptor::digest)
          .contains(image.digest());
      assertThat(blobFiles(ImageStore.open(out))).isEqualTo(blobFiles(layout));
    }
  }

  @Test
  void skopeoAuthenticatesWithBasicCredentials() throws Exception {
    requireBinary("skopeo");
    ImageStore layout = ImageStore.open(tmp.resolve("layout"));
    buildImage(layout, "fn/x:1", "code");
    ImageStore served = ImageStore.open(tmp.resolve("served"));
    try (RegistryServer server =
        kilnServer(new RegistryHandler(served, RegistryHandler.basicAuth("kiln", "pw")))) {
      String dest = "docker://" + address(server) + "/fn/x:1";
      String source = "oci:" + layout.root() + ":fn/x:1";

      runOk("skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", "kiln:pw", source, dest);
      assertThat(served.resolve("fn/x:1")).isPresent();
    }
  }

  @Test
  void kilnClientAgainstKilnServer() throws Exception {
    ImageStore local = ImageStore.open(tmp.resolve("local"));
    Descriptor v1 = buildImage(local, "hello:1", "runtime", "code v1");
    Descriptor v2 = buildImage(local, "hello:2", "runtime", "code v2");
    ImageStore served = ImageStore.open(tmp.resolve("served"));
    try (RegistryServer server =
        kilnServer(new RegistryHandler(served, RegistryHandler.basicAuth("kiln", "pw")))) {
      String registry = address(server);
      RegistryClient client =
          fastClient().credentials(registry, new RegistryCredentials("kiln", "pw")).build();

      client.push(local, v1, ImageRef.parse(registry + "/fn/hello:1"), ProgressListener.NOOP);
      RecordingListener second = new RecordingListener();
      client.push(local, v2, ImageRef.parse(registry + "/fn/hello:2"), second);
      RecordingListener mounted = new RecordingListener();
      client.push(local, v2, ImageRef.parse(registry + "/fn/copy:2"), "fn/hello", mounted);

      assertThat(second.skipped).hasSize(1);
      assertThat(second.transferred).hasSize(2);
      assertThat(mounted.skipped).as("blobs are shared by all repositories").hasSize(3);
      assertThat(served.resolve("fn/hello:1")).map(Descriptor::digest).contains(v1.digest());
      assertThat(served.resolve("fn/copy:2")).map(Descriptor::digest).contains(v2.digest());

      ImageStore fresh = ImageStore.open(tmp.resolve("fresh"));
      assertThat(
              client.pull(ImageRef.parse(registry + "/fn/hello:2"), fresh, ProgressListener.NOOP))
          .isEqualTo(v2);
      assertThat(
              client.pull(
                  ImageRef.parse(registry + "/fn/hello@" + v1.digest()),
                  fresh,
                  ProgressListener.NOOP))
          .isEqualTo(v1);
      assertThat(blobFiles(fresh)).isEqualTo(blobFiles(local));

      assertThatThrownBy(
              () ->
                  client.pull(
                      ImageRef.parse(registry + "/fn/hello:3"), fresh, ProgressListener.NOOP))
          .isInstanceOf(ImageNotFoundException.class)
          .hasMessageStartingWith("image " + registry + "/fn/hello:3 not found");
      RegistryClient wrong =
          fastClient().credentials(registry, new RegistryCredentials("kiln", "nope")).build();
      assertThatThrownBy(
              () ->
                  wrong.push(
                      local, v1, ImageRef.parse(registry + "/fn/hello:1"), ProgressListener.NOOP))
          .isInstanceOf(RegistryUnauthorizedException.class)
          .hasMessageContaining("refused credentials for repository fn/hello (401)");
    }
  }

  @Test
  void chunkedUploadsIntoKiln() throws Exception {
    ImageStore local = ImageStore.open(tmp.resolve("local"));
    Descriptor image = buildLargeImage(local, "big:1", 200_000);
    ImageStore served = ImageStore.open(tmp.resolve("served"));
    try (RegistryServer server = kilnServer(new RegistryHandler(served))) {
      RegistryClient client = fastClient().chunkedUploads(50_000, 30_000).build();
      client.push(
          local, image, ImageRef.parse(address(server) + "/fn/big:1"), ProgressListener.NOOP);

      assertThat(blobFiles(served)).isEqualTo(blobFiles(local));
      assertThat(served.resolve("fn/big:1")).map(Descriptor::digest).contains(image.digest());
    }
  }

  /**
   * The token flow registries such as Docker Hub use, in front of Kiln's handler: 401 with a Bearer
   * challenge, a token from the realm for the push scope, fetched once and reused.
   */
  @Test
  void bearerTokenFromTheChallengeRealm() throws Exception {
    ImageStore local = ImageStore.open(tmp.resolve("local"));
    Descriptor image = buildImage(local, "hello:1", "runtime", "code");
    RegistryHandler handler = new RegistryHandler(ImageStore.open(tmp.resolve("served")));
    AtomicInteger port = new AtomicInteger();
    List<String> tokenRequests = new CopyOnWriteArrayList<>();
    String basic =
        "Basic " + Base64.getEncoder().encodeToString("kiln:pw".getBytes(StandardCharsets.UTF_8));
    try (RegistryServer server =
        kilnServer(
            request -> {
              if (request.path().equals("/token")) {
                if (!request.header("Authorization").orElse("").equals(basic)) {
                  return new RegistryResponse(401, Map.of(), null);
                }
                tokenRequests.add(request.query());
                return new RegistryResponse(
                    200,
                    Map.of("Content-Type", "application/json"),
                    new RegistryResponse.Bytes(
                        "{\"access_token\":\"t0k3n\",\"expires_in\":300}"
                            .getBytes(StandardCharsets.UTF_8)));
              }
              if (!request.header("Authorization").orElse("").equals("Bearer t0k3n")) {
                return new RegistryResponse(
                    401,
                    Map.of(
                        "WWW-Authenticate",
                        "Bearer realm=\"http://127.0.0.1:"
                            + port.get()
                            + "/token\",service=\"kiln-test\",scope=\"repository:fn/hello:pull\""),
                    null);
              }
              return handler.handle(request);
            })) {
      port.set(server.address().getPort());
      RegistryClient client =
          fastClient().defaultCredentials(new RegistryCredentials("kiln", "pw")).build();

      client.push(
          local, image, ImageRef.parse(address(server) + "/fn/hello:1"), ProgressListener.NOOP);
      client.pull(
          ImageRef.parse(address(server) + "/fn/hello:1"),
          ImageStore.open(tmp.resolve("fresh")),
          ProgressListener.NOOP);

      assertThat(tokenRequests)
          .containsExactly(
              "service=kiln-test&scope=repository%3Afn%2Fhello%3Apull%2Cpush"
                  + "&scope=repository%3Afn%2Fhello%3Apull",
              "service=kiln-test&scope=repository%3Afn%2Fhello%3Apull");
    }
  }
}
