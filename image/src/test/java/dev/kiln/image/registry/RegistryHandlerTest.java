package dev.kiln.image.registry;

import static dev.kiln.image.registry.RegistryFixtures.buildImage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Digest;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.ImageConfig;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.oci.MediaTypes;
import dev.kiln.image.oci.OciJson;
import dev.kiln.image.store.ImageStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The handler without any HTTP server: what each endpoint answers. */
class RegistryHandlerTest {

  @TempDir Path tmp;
  ImageStore store;
  RegistryHandler handler;

  @BeforeEach
  void setUp() throws IOException {
    store = ImageStore.open(tmp.resolve("store"));
    handler = new RegistryHandler(store);
  }

  private RegistryResponse call(
      String method, String pathAndQuery, byte[] body, String... headers) {
    int q = pathAndQuery.indexOf('?');
    Map<String, List<String>> h = new java.util.HashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], List.of(headers[i + 1]));
    }
    return handler.handle(
        new RegistryRequest(
            method,
            q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
            q < 0 ? null : pathAndQuery.substring(q + 1),
            h,
            new ByteArrayInputStream(body == null ? new byte[0] : body)));
  }

  private static JsonNode json(RegistryResponse r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    r.body().writeTo(out);
    return OciJson.mapper().readTree(out.toByteArray());
  }

  private static String errorCode(RegistryResponse r) throws IOException {
    return json(r).path("errors").path(0).path("code").asText();
  }

  @Test
  void baseAnswersWithApiVersion() throws IOException {
    RegistryResponse r = call("GET", "/v2/", null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Docker-Distribution-API-Version")).isEqualTo("registry/2.0");
    assertThat(json(r).isObject()).isTrue();
  }

  @Test
  void headBlobGivesLengthAndDigestWithoutBody() throws IOException {
    Digest d = store.putBlob("hello".getBytes(StandardCharsets.UTF_8)).digest();

    RegistryResponse r = call("HEAD", "/v2/fn/x/blobs/" + d, null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Length")).isEqualTo("5");
    assertThat(r.header("Docker-Content-Digest")).isEqualTo(d.toString());
    assertThat(r.body().length()).isZero();
    assertThat(call("HEAD", "/v2/fn/x/blobs/sha256:" + "0".repeat(64), null).status())
        .isEqualTo(404);
  }

  @Test
  void monolithicUploadWithWrongDigestIsRefusedAndNothingStored() throws IOException {
    byte[] bytes = "content".getBytes(StandardCharsets.UTF_8);
    String wrong = "sha256:" + "1".repeat(64);

    RegistryResponse r = call("POST", "/v2/fn/x/blobs/uploads/?digest=" + wrong, bytes);

    assertThat(r.status()).isEqualTo(400);
    assertThat(errorCode(r)).isEqualTo("DIGEST_INVALID");
    assertThat(store.hasBlob(Digest.sha256(bytes))).isFalse();
  }

  @Test
  void chunkedSessionChecksOrderAndDigest() throws IOException {
    byte[] bytes = "0123456789".getBytes(StandardCharsets.UTF_8);
    RegistryResponse start = call("POST", "/v2/fn/x/blobs/uploads/", null);
    assertThat(start.status()).isEqualTo(202);
    String location = start.header("Location");
    assertThat(location).startsWith("/v2/fn/x/blobs/uploads/");

    RegistryResponse first =
        call("PATCH", location, java.util.Arrays.copyOf(bytes, 4), "Content-Range", "0-3");
    assertThat(first.status()).isEqualTo(202);
    assertThat(first.header("Range")).isEqualTo("0-3");
    RegistryResponse outOfOrder =
        call("PATCH", location, java.util.Arrays.copyOfRange(bytes, 6, 10), "Content-Range", "6-9");
    assertThat(outOfOrder.status()).isEqualTo(416);
    call("PATCH", location, java.util.Arrays.copyOfRange(bytes, 4, 10), "Content-Range", "4-9");

    RegistryResponse done = call("PUT", location + "?digest=" + Digest.sha256(bytes), null);

    assertThat(done.status()).isEqualTo(201);
    assertThat(done.header("Docker-Content-Digest")).isEqualTo(Digest.sha256(bytes).toString());
    assertThat(store.hasBlob(Digest.sha256(bytes))).isTrue();
    assertThat(call("PATCH", location, bytes).status()).as("session is over").isEqualTo(404);
    try (Stream<Path> s = Files.list(store.root().resolve(".kiln-tmp"))) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void mountOfKnownBlobIsImmediate() throws IOException {
    Digest d = store.putBlob("shared".getBytes(StandardCharsets.UTF_8)).digest();

    RegistryResponse r = call("POST", "/v2/fn/b/blobs/uploads/?mount=" + d + "&from=fn/a", null);

    assertThat(r.status()).isEqualTo(201);
    assertThat(r.header("Location")).isEqualTo("/v2/fn/b/blobs/" + d);
  }

  @Test
  void manifestReferringToMissingBlobIsRefused() throws IOException {
    Descriptor missing = Descriptor.of(MediaTypes.OCI_CONFIG, Digest.sha256(new byte[] {1}), 1);
    byte[] manifest = OciJson.write(Manifest.oci(missing, List.of()));

    RegistryResponse r =
        call("PUT", "/v2/fn/x/manifests/1", manifest, "Content-Type", MediaTypes.OCI_MANIFEST);

    assertThat(r.status()).isEqualTo(400);
    assertThat(errorCode(r)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
    assertThat(json(r).path("errors").path(0).path("detail").path("digest").asText())
        .isEqualTo(missing.digest().toString());
    assertThat(store.images()).isEmpty();
  }

  @Test
  void manifestPutTagsTheStoreAndCanBeReadDeletedAndListed() throws IOException {
    Descriptor image = buildImage(store, "local:1", "a");
    byte[] bytes = store.readBlob(image.digest());

    RegistryResponse put =
        call("PUT", "/v2/fn/x/manifests/1", bytes, "Content-Type", MediaTypes.OCI_MANIFEST);
    call("PUT", "/v2/fn/x/manifests/2", bytes, "Content-Type", MediaTypes.OCI_MANIFEST);

    assertThat(put.status()).isEqualTo(201);
    assertThat(put.header("Docker-Content-Digest")).isEqualTo(image.digest().toString());
    assertThat(store.resolve("fn/x:1")).contains(image.withRefName("fn/x:1"));
    RegistryResponse byDigest = call("GET", "/v2/fn/x/manifests/" + image.digest(), null);
    assertThat(byDigest.header("Content-Type")).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(byDigest.body().length()).isEqualTo(bytes.length);
    assertThat(json(call("GET", "/v2/fn/x/tags/list", null)).toString())
        .isEqualTo("{\"name\":\"fn/x\",\"tags\":[\"1\",\"2\"]}");
    assertThat(json(call("GET", "/v2/fn/x/tags/list?n=1&last=1", null)).path("tags").toString())
        .isEqualTo("[\"2\"]");

    assertThat(call("DELETE", "/v2/fn/x/manifests/1", null).status()).isEqualTo(202);
    assertThat(store.resolve("fn/x:1")).isEmpty();
    RegistryResponse gone = call("GET", "/v2/fn/x/manifests/1", null);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(errorCode(gone)).isEqualTo("MANIFEST_UNKNOWN");
    assertThat(errorCode(call("GET", "/v2/fn/none/tags/list", null))).isEqualTo("NAME_UNKNOWN");
  }

  @Test
  void manifestPushedByWrongDigestIsRefused() throws IOException {
    Descriptor image = buildImage(store, "local:1", "a");
    byte[] bytes = store.readBlob(image.digest());

    RegistryResponse r =
        call(
            "PUT",
            "/v2/fn/x/manifests/sha256:" + "2".repeat(64),
            bytes,
            "Content-Type",
            MediaTypes.OCI_MANIFEST);

    assertThat(r.status()).isEqualTo(400);
    assertThat(errorCode(r)).isEqualTo("DIGEST_INVALID");
  }

  @Test
  void oversizedManifestIsRefused() throws IOException {
    byte[] huge = new byte[ManifestBytes.MAX_SIZE + 10];
    java.util.Arrays.fill(huge, (byte) ' ');

    RegistryResponse r = call("PUT", "/v2/fn/x/manifests/1", huge);

    assertThat(r.status()).isEqualTo(400);
    assertThat(errorCode(r)).isEqualTo("SIZE_INVALID");
  }

  @Test
  void invalidNameIsRefusedWithSpecError() throws IOException {
    RegistryResponse r = call("GET", "/v2/../../etc/manifests/passwd", null);

    assertThat(r.status()).isEqualTo(400);
    assertThat(errorCode(r)).isEqualTo("NAME_INVALID");
  }

  @Test
  void basicAuthChallengesAndAccepts() throws IOException {
    handler = new RegistryHandler(store, RegistryHandler.basicAuth("kiln", "pw"));

    RegistryResponse denied = call("GET", "/v2/", null);
    assertThat(denied.status()).isEqualTo(401);
    assertThat(denied.header("WWW-Authenticate")).isEqualTo("Basic realm=\"kiln\"");
    assertThat(errorCode(denied)).isEqualTo("UNAUTHORIZED");
    assertThat(call("GET", "/v2/", null, "Authorization", "Basic a2lsbjpwdw==").status())
        .isEqualTo(200);
    assertThat(call("GET", "/v2/", null, "Authorization", "Basic a2lsbjpwdx==").status())
        .isEqualTo(401);
  }

  @Test
  void configBlobIsServedUnderAnyRepository() throws IOException {
    Digest config = store.putBlob(OciJson.write(ImageConfig.empty())).digest();

    assertThat(call("GET", "/v2/any/repo/blobs/" + config, null).status()).isEqualTo(200);
  }
}
