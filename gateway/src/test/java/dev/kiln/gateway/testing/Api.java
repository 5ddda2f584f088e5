package dev.kiln.gateway.testing;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;

/** The API under test, as a client with the first-start admin key sees it. */
public final class Api {

  private Api() {}

  /** The data directory of the application under test. */
  public static Path dataDir() {
    return ConfigProvider.getConfig().getValue("kiln.data-dir", Path.class);
  }

  /** {@code <data-dir>/cli.json}, written on first start. */
  public static JsonNode cliFile() {
    try {
      return new ObjectMapper().readTree(dataDir().resolve("cli.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The admin key created on first start. */
  public static String adminKey() {
    return cliFile().get("key").asText();
  }

  /** A request with the admin key. */
  public static RequestSpecification admin() {
    return as(adminKey());
  }

  /** A request with {@code key}. */
  public static RequestSpecification as(String key) {
    return given().header("Authorization", "Bearer " + key);
  }

  /** Deploys an archive synchronously with the admin key. */
  public static Response deploy(byte[] archive, String name) {
    RequestSpecification r = admin().contentType("application/gzip").body(archive);
    if (name != null) {
      r = r.queryParam("name", name);
    }
    return r.post("/v1/functions");
  }

  /** Creates a key with {@code scopes} and returns it. */
  public static String newKey(String name, String... scopes) {
    return admin()
        .contentType("application/json")
        .body(java.util.Map.of("name", name, "scopes", java.util.List.of(scopes)))
        .post("/v1/keys")
        .then()
        .statusCode(201)
        .extract()
        .path("key");
  }
}
