package dev.kiln.gateway.boot;

import static dev.kiln.gateway.testing.KilnProcess.awaitReady;
import static dev.kiln.gateway.testing.KilnProcess.stop;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.gateway.testing.Archives;
import dev.kiln.gateway.testing.KilnProcess;
import dev.kiln.image.testing.Tools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged application ({@code quarkus-run.jar}, as {@code ./kiln up} does) twice on one
 * data directory: what the first run stored in its embedded PostgreSQL is there in the second, and
 * the first-start key is made only once.
 */
class KilnRestartIT {

  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void functionsVersionsAndKeysSurviveARestart(@TempDir Path data) throws Exception {
    int port = Tools.freePort();
    String base = "http://localhost:" + port;

    Process first = start(data, port, data.resolve("first.log"), Map.of());
    String admin;
    String ciKey;
    try {
      awaitReady(first, base, data.resolve("first.log"));
      JsonNode cli = JSON.readTree(data.resolve("cli.json").toFile());
      admin = cli.get("key").asText();
      assertThat(cli.get("url").asText()).isEqualTo(base);
      assertThat(Files.readString(data.resolve("first.log"))).contains("Admin API key: " + admin);

      byte[] archive =
          Archives.create()
              .file("kiln.yaml", Archives.pythonSpec("survivor"))
              .file("handler.py", Archives.HANDLER)
              .bytes();
      HttpResponse<String> deployed =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/functions"))
                  .header("Authorization", "Bearer " + admin)
                  .header("Content-Type", "application/gzip")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(archive))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
      ciKey =
          JSON.readTree(
                  post(base + "/v1/keys", admin, Map.of("name", "ci", "scopes", List.of("deploy"))))
              .get("key")
              .asText();
    } finally {
      stop(first);
    }
    assertThat(data.resolve("postgres.port")).exists();

    Process second = start(data, port, data.resolve("second.log"), Map.of());
    try {
      awaitReady(second, base, data.resolve("second.log"));
      assertThat(Files.readString(data.resolve("second.log"))).doesNotContain("Admin API key");
      assertThat(JSON.readTree(data.resolve("cli.json").toFile()).get("key").asText())
          .isEqualTo(admin);
      JsonNode versions = JSON.readTree(get(base + "/v1/functions/survivor/versions", ciKey));
      assertThat(versions).hasSize(1);
      assertThat(versions.get(0).get("version").asInt()).isEqualTo(1);
      assertThat(versions.get(0).get("image").asText()).isEqualTo("survivor:1");
      assertThat(get(base + "/v1/keys", admin)).contains("\"name\":\"ci\"");
    } finally {
      stop(second);
    }
  }

  @Test
  void theControlPlaneKeepsItsStateInAnExternalPostgres(@TempDir Path data, @TempDir Path db)
      throws Exception {
    // A PostgreSQL server of its own, as an operator's would be; KILN_DB_URL points there with
    // the user in the URL, and kiln starts no embedded server.
    try (EmbeddedDatabase external =
        EmbeddedDatabase.start(db.resolve("pg"), 0, db.resolve("port"))) {
      String url =
          external
              .jdbcUrl()
              .replace("jdbc:postgresql://", "postgresql://" + EmbeddedDatabase.USER + "@");
      int port = Tools.freePort();
      String base = "http://localhost:" + port;
      Path log = data.resolve("server.log");
      Process server = start(data, port, log, Map.of("KILN_DB_URL", url));
      try {
        awaitReady(server, base, log);
        String admin = JSON.readTree(data.resolve("cli.json").toFile()).get("key").asText();
        post(base + "/v1/keys", admin, Map.of("name", "outside", "scopes", List.of("invoke")));
      } finally {
        stop(server);
      }
      assertThat(data.resolve("postgres")).as("no embedded database").doesNotExist();
      try (java.sql.Connection c =
              java.sql.DriverManager.getConnection(
                  external.jdbcUrl(), EmbeddedDatabase.USER, null);
          java.sql.ResultSet keys =
              c.createStatement().executeQuery("select name from api_keys order by id")) {
        List<String> names = new java.util.ArrayList<>();
        while (keys.next()) {
          names.add(keys.getString(1));
        }
        assertThat(names).contains("outside");
      }
    }
  }

  private String get(String url, String key) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + key)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  private String post(String url, String key, Object body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return r.body();
  }

  /** The control plane only: the node's checks (and a runc install) are not under test here. */
  private static Process start(Path data, int port, Path log, Map<String, String> env)
      throws IOException {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putIfAbsent("KILN_ROLES", "gateway,scheduler,builder,registry");
    return KilnProcess.start(data, port, log, all);
  }
}
