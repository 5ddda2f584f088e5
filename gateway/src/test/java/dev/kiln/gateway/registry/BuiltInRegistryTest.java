package dev.kiln.gateway.registry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import dev.kiln.common.Digest;
import dev.kiln.common.ImageRef;
import dev.kiln.gateway.testing.Api;
import dev.kiln.gateway.testing.Archives;
import dev.kiln.gateway.testing.KilnTestResources;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.registry.ProgressListener;
import dev.kiln.image.registry.RegistryClient;
import dev.kiln.image.registry.RegistryCredentials;
import dev.kiln.image.registry.RegistryHandler;
import dev.kiln.image.registry.RegistryServer;
import dev.kiln.image.registry.RegistryUnauthorizedException;
import dev.kiln.image.store.ImageStore;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes pull function images from the control plane's /v2/: a real client against it. */
@QuarkusTest
@WithTestResource(value = KilnTestResources.class, scope = TestResourceScope.MATCHING_RESOURCES)
class BuiltInRegistryTest {

  static String registry() {
    return "localhost:" + RestAssured.port;
  }

  static String deploy(String name) {
    byte[] archive =
        Archives.create()
            .file("kiln.yaml", Archives.pythonSpec(name))
            .file("handler.py", Archives.HANDLER)
            .bytes();
    return Api.deploy(archive, null).then().statusCode(201).extract().path("digest");
  }

  @Test
  void aDeployedImageIsPulledWithItsDigestIntact(@TempDir Path tmp) throws Exception {
    String digest = deploy("pulled");
    RegistryClient client =
        RegistryClient.builder()
            .credentials(registry(), new RegistryCredentials("kiln", Api.adminKey()))
            .retries(0, Duration.ofMillis(10))
            .build();
    ImageStore fresh = ImageStore.open(tmp.resolve("node-store"));
    Descriptor pulled =
        client.pull(ImageRef.parse(registry() + "/pulled:1"), fresh, ProgressListener.NOOP);
    assertThat(pulled.digest()).isEqualTo(Digest.parse(digest));
    assertThat(fresh.readManifest(pulled.digest()).layers())
        .allSatisfy(l -> assertThat(fresh.hasBlob(l.digest())).isTrue());
  }

  @Test
  void pullingNeedsAKey(@TempDir Path tmp) throws Exception {
    deploy("guarded");
    RegistryClient anonymous = RegistryClient.builder().retries(0, Duration.ofMillis(10)).build();
    assertThatThrownBy(
            () ->
                anonymous.pull(
                    ImageRef.parse(registry() + "/guarded:1"),
                    ImageStore.open(tmp.resolve("s")),
                    ProgressListener.NOOP))
        .isInstanceOf(RegistryUnauthorizedException.class);
    given().get("/v2/").then().statusCode(401).header("WWW-Authenticate", "Basic realm=\"kiln\"");
    Api.admin().get("/v2/").then().statusCode(200);
    Api.admin().get("/v2/guarded/tags/list").then().statusCode(200).body("tags[0]", equalTo("1"));
  }

  @Test
  void aVersionIsDeployedFromAnImageReference(@TempDir Path tmp) throws Exception {
    String digest = deploy("source-image");
    // Another registry holding the image: a plain Kiln registry server over a separate store.
    ImageStore other = ImageStore.open(tmp.resolve("other"));
    Descriptor pulled =
        RegistryClient.builder()
            .credentials(registry(), new RegistryCredentials("kiln", Api.adminKey()))
            .build()
            .pull(ImageRef.parse(registry() + "/source-image:1"), other, ProgressListener.NOOP);
    other.tag("team/copied:7", pulled);
    try (RegistryServer server = new RegistryServer(new RegistryHandler(other))) {
      int port = server.start(0);
      Api.admin()
          .contentType("application/json")
          .body(Map.of("image", "127.0.0.1:" + port + "/team/copied:7"))
          .post("/v1/functions/copied/versions")
          .then()
          .statusCode(201)
          .body("version", equalTo(1))
          .body("digest", equalTo(digest))
          .body("source", equalTo("image"))
          .body("spec.runtime", equalTo("python"))
          .body("spec.handler", equalTo("handler.handle"));
      Api.admin()
          .contentType("application/json")
          .body(
              Map.of(
                  "image",
                  "127.0.0.1:" + port + "/team/copied:7",
                  "spec",
                  Map.of("runtime", "python", "memory", "1Gi")))
          .post("/v1/functions/copied/versions")
          .then()
          .statusCode(201)
          .body("version", equalTo(2))
          .body("spec.memory", equalTo(1024));
      Api.admin()
          .contentType("application/json")
          .body(Map.of("image", "127.0.0.1:" + port + "/team/missing:1"))
          .post("/v1/functions/copied/versions")
          .then()
          .statusCode(422)
          .contentType("application/problem+json");
    }
  }
}
