package dev.kiln.gateway.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.kiln.gateway.testing.Api;
import dev.kiln.gateway.testing.Archives;
import dev.kiln.gateway.testing.KilnTestResources;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KilnTestResources.class, scope = TestResourceScope.MATCHING_RESOURCES)
class BuildEventsTest {

  static byte[] archive(String name) {
    return Archives.create()
        .file("kiln.yaml", Archives.pythonSpec(name))
        .file("handler.py", Archives.HANDLER)
        .bytes();
  }

  @Test
  void anAsyncDeployAnswers202AndItsEventsStreamEveryStep() {
    var accepted =
        Api.admin()
            .contentType("application/gzip")
            .header("Prefer", "respond-async")
            .body(archive("events"))
            .post("/v1/functions")
            .then()
            .statusCode(202)
            .header("Preference-Applied", "respond-async")
            .body("status", equalTo("running"))
            .extract();
    String id = accepted.path("build");
    assertThat(accepted.header("Location")).endsWith("/v1/builds/" + id);

    String stream =
        Api.admin()
            .accept("text/event-stream")
            .get("/v1/builds/" + id + "/events")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(stream)
        .contains("event:step")
        .contains("Step 1/")
        .contains("event:layer")
        .contains("event:done")
        .contains("\"version\":1");
    assertThat(stream.indexOf("Step 1/")).isLessThan(stream.indexOf("event:done"));

    Api.admin()
        .get("/v1/builds/" + id)
        .then()
        .body("status", equalTo("succeeded"))
        .body("version", equalTo(1))
        .body("function", equalTo("events"));
  }

  @Test
  void aFailedBuildEndsItsStreamWithTheReason() {
    byte[] broken =
        Archives.create()
            .file("kiln.yaml", "name: broken-async\nruntime: java\nhandler: Broken\n")
            .file("Broken.java", "class Broken { void f() { undefined(); } }\n")
            .bytes();
    String id =
        Api.admin()
            .contentType("application/gzip")
            .header("Prefer", "respond-async")
            .body(broken)
            .post("/v1/functions")
            .then()
            .statusCode(202)
            .extract()
            .path("build");
    String stream = Api.admin().get("/v1/builds/" + id + "/events").asString();
    assertThat(stream).contains("event:failed").contains("Broken.java");
    Api.admin().get("/v1/builds/" + id).then().body("status", equalTo("failed"));
  }

  @Test
  void anUnknownBuildIs404() {
    Api.admin()
        .get("/v1/builds/00000000-0000-0000-0000-000000000000/events")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }
}
