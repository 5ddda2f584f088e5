package dev.kiln.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.cli.Kiln;
import dev.kiln.gateway.testing.Api;
import dev.kiln.gateway.testing.KilnTestResources;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kiln CLI's control-plane commands, run in-process against the application under test. */
@QuarkusTest
@WithTestResource(value = KilnTestResources.class, scope = TestResourceScope.MATCHING_RESOURCES)
class CliDeployTest {

  record Run(int exit, String out, String err) {}

  static Run kiln(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", "http://localhost:" + RestAssured.port, "--key", Api.adminKey()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Kiln.run(
            all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void deployStreamsTheBuildAndPrintsVersionAndUrlThenFunctionsAndRollback(@TempDir Path tmp)
      throws IOException {
    Path dir = tmp.resolve("fn");
    copy(Path.of("..", "examples", "hello-node"), dir);
    Files.writeString(dir.resolve(".kilnignore"), "secret.txt\n");
    Files.writeString(dir.resolve("secret.txt"), "not for the image");

    Run first = kiln("deploy", dir.toString(), "--name", "cli-node");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("Uploading " + dir)
        .contains("Step 1/")
        .contains(" ---> built ")
        .contains("Deployed cli-node version 1 (sha256:")
        .contains("URL: http://localhost:" + RestAssured.port + "/fn/cli-node");

    Path handler = dir.resolve("handler.js");
    Files.writeString(handler, Files.readString(handler) + "// changed\n");
    Run second = kiln("deploy", dir.toString(), "--name", "cli-node");
    assertThat(second.out()).contains("Deployed cli-node version 2").contains(" ---> cached ");

    assertThat(kiln("functions").out()).containsPattern("cli-node\\s+2\\s+node\\s+no\\s+http");
    Run rollback = kiln("rollback", "cli-node", "1");
    assertThat(rollback.out()).startsWith("cli-node now runs version 1 (sha256:");

    Api.admin()
        .get("/v1/images/cli-node:1/history")
        .then()
        .statusCode(200)
        .extract()
        .asString()
        .contains("COPY");
  }

  @Test
  void aFailedBuildIsReportedWithItsReason(@TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve("kiln.yaml"), "name: cli-broken\nruntime: java\nhandler: B\n");
    Files.writeString(tmp.resolve("B.java"), "class B { int x = ; }\n");
    Run run = kiln("deploy", tmp.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains("kiln: error: the build of cli-broken failed: ")
        .contains("B.java:1");
  }

  @Test
  void aBadSpecIsReportedBeforeAnyBuild(@TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve("kiln.yaml"), "name: Bad_Name\nruntime: python\n");
    Run run = kiln("deploy", tmp.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("kiln: error: the control plane answered 422: kiln.yaml: name:");
  }

  static void copy(Path from, Path to) throws IOException {
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
  }
}
