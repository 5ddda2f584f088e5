package dev.kiln.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.kiln.gateway.testing.Api;
import dev.kiln.gateway.testing.KilnTestResources;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KilnTestResources.class, scope = TestResourceScope.MATCHING_RESOURCES)
class KeysTest {

  @Inject AgroalDataSource db;

  @Test
  void firstStartWritesAnAdminKeyForTheCliReadableByTheOwnerOnly() throws Exception {
    var file = Api.dataDir().resolve("cli.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Api.adminKey()).startsWith("kiln_").hasSize(48);
    assertThat(Api.cliFile().get("url").asText()).startsWith("http://localhost:");
    Api.admin().get("/v1/keys").then().statusCode(200).body("[0].name", equalTo("admin"));
  }

  @Test
  void keysAreStoredAsSha256OnlyNeverInPlain() throws Exception {
    String plain = Api.newKey("stored", "invoke");
    List<String> rows = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT * FROM api_keys")) {
      int columns = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(r.getString(i)).append('|');
        }
        rows.add(row.toString());
      }
    }
    assertThat(rows).noneMatch(row -> row.contains(plain));
    assertThat(rows).noneMatch(row -> row.contains(Api.adminKey()));
    assertThat(rows).anyMatch(row -> row.contains(ApiKeys.hash(plain)));
  }

  @Test
  void noKeyIs401WithAProblemDocument() {
    given()
        .get("/v1/functions")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", containsString("Bearer"))
        .body("status", equalTo(401))
        .body("title", equalTo("Unauthorized"))
        .body("detail", containsString("Authorization: Bearer kiln_"));
  }

  @Test
  void anUnknownKeyIs401() {
    Api.as("kiln_notakey")
        .get("/v1/functions")
        .then()
        .statusCode(401)
        .body("detail", equalTo("the API key is not valid: unknown or revoked"));
  }

  @Test
  void anInvokeKeyReadsButCannotDeploy() {
    String invoke = Api.newKey("reader", "invoke");
    Api.as(invoke).get("/v1/functions").then().statusCode(200);
    Api.as(invoke)
        .contentType("application/gzip")
        .body(new byte[] {1})
        .post("/v1/functions")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body(
            "detail",
            equalTo(
                "POST /v1/functions needs a key with the admin or deploy scope; this key has:"
                    + " invoke"));
  }

  @Test
  void onlyAdminsManageKeys() {
    String deploy = Api.newKey("ci", "deploy");
    Api.as(deploy)
        .get("/v1/keys")
        .then()
        .statusCode(403)
        .body("detail", containsString("needs a key with the admin scope; this key has: deploy"));
  }

  @Test
  void aKeyIsShownOnceAndStopsWorkingWhenRevoked() {
    var created =
        Api.admin()
            .contentType("application/json")
            .body(Map.of("name", "temp", "scopes", List.of("deploy")))
            .post("/v1/keys")
            .then()
            .statusCode(201)
            .body("scopes", equalTo(List.of("deploy")))
            .extract();
    String key = created.path("key");
    int id = created.path("id");
    Api.as(key).get("/v1/functions").then().statusCode(200);
    Api.admin()
        .get("/v1/keys")
        .then()
        .body("find { it.id == " + id + " }.key", nullValue())
        .body("find { it.id == " + id + " }.prefix", equalTo(key.substring(0, 11)));
    Api.admin()
        .delete("/v1/keys/" + id)
        .then()
        .statusCode(200)
        .body("revoked", containsString("T"));
    Api.as(key).get("/v1/functions").then().statusCode(401);
  }

  @Test
  void unknownScopesAreRefusedWithTheKnownOnes() {
    Api.admin()
        .contentType("application/json")
        .body(Map.of("name", "x", "scopes", List.of("root")))
        .post("/v1/keys")
        .then()
        .statusCode(400)
        .body("detail", equalTo("unknown scope 'root' (known: admin, deploy, invoke, node)"));
  }
}
