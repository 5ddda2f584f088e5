package dev.kiln.gateway.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.kiln.gateway.testing.Api;
import dev.kiln.gateway.testing.Archives;
import dev.kiln.gateway.testing.KilnTestResources;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@WithTestResource(value = KilnTestResources.class, scope = TestResourceScope.MATCHING_RESOURCES)
class DeployTest {

  static final Path EXAMPLES = Path.of("..", "examples");

  @ParameterizedTest
  @ValueSource(strings = {"hello-python", "hello-node", "hello-java"})
  void eachExampleDeploysAsVersion1(String example) {
    String name = "ex-" + example;
    Api.deploy(Archives.of(EXAMPLES.resolve(example)), name)
        .then()
        .statusCode(201)
        .header("Location", endsWith("/v1/functions/" + name + "/versions/1"))
        .body("function", equalTo(name))
        .body("version", equalTo(1))
        .body("current", equalTo(true))
        .body("spec.name", equalTo(name))
        .body("spec.runtime", equalTo(example.substring("hello-".length())))
        .body("image", equalTo(name + ":1"))
        .body("digest", containsString("sha256:"))
        .body("source", equalTo("archive"))
        .body("url", containsString("/fn/" + name));
  }

  @Test
  void aKilnfileDeploysUnderTheNameGiven() {
    Api.deploy(Archives.of(EXAMPLES.resolve("hello-kilnfile")), "ex-kilnfile")
        .then()
        .statusCode(201)
        .body("version", equalTo(1))
        .body("spec.runtime", equalTo("python"))
        .body("spec.handler", equalTo("greet.handle"));
  }

  @Test
  void aKilnfileWithoutANameIsRefusedWithWhatToDo() {
    Api.deploy(Archives.of(EXAMPLES.resolve("hello-kilnfile")), null)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("name the function with ?name=NAME"));
  }

  @Test
  void aOneLineChangeMakesVersion2RebuildingOnlyTheCodeLayerAndRollbackReturnsTo1(@TempDir Path tmp)
      throws IOException {
    Path dir = copy(EXAMPLES.resolve("hello-python"), tmp.resolve("fn"));
    JsonPath v1 =
        Api.deploy(Archives.of(dir), "change").then().statusCode(201).extract().jsonPath();

    Path handler = dir.resolve("handler.py");
    Files.writeString(handler, Files.readString(handler) + "# one more line\n");
    JsonPath v2 =
        Api.deploy(Archives.of(dir), "change").then().statusCode(201).extract().jsonPath();

    assertThat(v2.getInt("version")).isEqualTo(2);
    assertThat(v2.getString("digest")).isNotEqualTo(v1.getString("digest"));
    assertThat(v2.getInt("build.layersBuilt")).isEqualTo(1);
    assertThat(v2.getInt("build.layers")).isEqualTo(v1.getInt("build.layers"));

    Api.admin().get("/v1/functions/change").then().body("currentVersion", equalTo(2));
    Api.admin()
        .contentType("application/json")
        .body(Map.of("version", 1))
        .post("/v1/functions/change/rollback")
        .then()
        .statusCode(200)
        .body("currentVersion", equalTo(1))
        .body("digest", equalTo(v1.getString("digest")));
    Api.admin()
        .get("/v1/functions/change/versions")
        .then()
        .body("version", equalTo(List.of(1, 2)))
        .body("current", equalTo(List.of(true, false)))
        .body("digest", equalTo(List.of(v1.getString("digest"), v2.getString("digest"))));
    Api.admin()
        .contentType("application/json")
        .body(Map.of("version", 7))
        .post("/v1/functions/change/rollback")
        .then()
        .statusCode(404)
        .body("detail", equalTo("function 'change' has no version 7 (its latest is 2)"));
  }

  @Test
  void functionsAreListedPatchedAndDeleted() {
    byte[] archive =
        Archives.create()
            .file("kiln.yaml", Archives.pythonSpec("lifecycle"))
            .file("handler.py", Archives.HANDLER)
            .bytes();
    Api.deploy(archive, null).then().statusCode(201);

    Api.admin().get("/v1/functions").then().statusCode(200).body("name", hasItem("lifecycle"));
    Api.admin()
        .get("/v1/functions/lifecycle")
        .then()
        .body("public", equalTo(false))
        .body("runtime", equalTo("python"))
        .body("image", equalTo("lifecycle:1"));
    Api.admin()
        .contentType("application/json")
        .body(Map.of("public", true))
        .patch("/v1/functions/lifecycle")
        .then()
        .statusCode(200)
        .body("public", equalTo(true));
    Api.admin().get("/v1/images").then().body("name", hasItem("lifecycle:1"));
    Api.admin()
        .get("/v1/images/lifecycle:1/history")
        .then()
        .statusCode(200)
        .body("[0].createdBy", containsString("ENTRYPOINT"));

    Api.admin().delete("/v1/functions/lifecycle").then().statusCode(204);
    Api.admin()
        .get("/v1/functions/lifecycle")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", equalTo("there is no function named 'lifecycle'"));
    Api.admin().get("/v1/functions").then().body("name", not(hasItem("lifecycle")));
    Api.admin().get("/v1/images").then().body("name", not(hasItem("lifecycle:1")));
  }

  @Test
  void theBlobsOfADeletedFunctionGoAtTheNextGarbageCollection() {
    byte[] archive =
        Archives.create()
            .file("kiln.yaml", Archives.pythonSpec("doomed"))
            .file(
                "handler.py", Archives.HANDLER + "\n# only in doomed: " + System.nanoTime() + "\n")
            .bytes();
    Api.deploy(archive, null).then().statusCode(201);
    // Collect what earlier tests left first, so that what follows counts this function only.
    Api.admin().post("/v1/images/gc?graceSeconds=0").then().statusCode(200);
    Api.admin().delete("/v1/functions/doomed").then().statusCode(204);

    int removed =
        Api.admin()
            .post("/v1/images/gc?graceSeconds=0")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getInt("blobsRemoved");
    int again = Api.admin().post("/v1/images/gc?graceSeconds=0").jsonPath().getInt("blobsRemoved");

    // Its own code layer, config and manifest at least; the layers it shares stay.
    assertThat(removed).isGreaterThanOrEqualTo(3);
    assertThat(again).isZero();
    Api.admin()
        .post("/v1/images/gc?graceSeconds=-1")
        .then()
        .statusCode(400)
        .body("detail", containsString("graceSeconds"));
    Api.deploy(Archives.of(EXAMPLES.resolve("hello-python")), "after-gc").then().statusCode(201);
  }

  @Test
  void aBadKilnYamlIs422NamingTheField() {
    byte[] archive =
        Archives.create()
            .file("kiln.yaml", "name: bad\nruntime: python\nmemory: lots\n")
            .file("handler.py", Archives.HANDLER)
            .bytes();
    Api.deploy(archive, null)
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("title", equalTo("Invalid function spec"))
        .body("detail", containsString("kiln.yaml: memory:"));
  }

  @Test
  void anArchiveWithoutSpecOrKilnfileIsRefused() {
    Api.deploy(Archives.create().file("handler.py", Archives.HANDLER).bytes(), "nospec")
        .then()
        .statusCode(422)
        .body("detail", containsString("neither kiln.yaml nor a Kilnfile"));
  }

  @Test
  void aJavaCompileErrorIs422WithTheLine() {
    byte[] archive =
        Archives.create()
            .file("kiln.yaml", "name: broken\nruntime: java\nhandler: Broken\n")
            .file("Broken.java", "public class Broken { int x = ; }\n")
            .bytes();
    Api.deploy(archive, null)
        .then()
        .statusCode(422)
        .body("detail", containsString("Broken.java:1"));
  }

  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return to;
  }
}
