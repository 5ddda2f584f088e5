package dev.kiln.builder.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.builder.FunctionBuilder;
import dev.kiln.builder.base.BaseRuntimes;
import dev.kiln.builder.build.BuildListener;
import dev.kiln.builder.build.BuildResult;
import dev.kiln.builder.image.ImageTransfer;
import dev.kiln.common.http.HttpRequest;
import dev.kiln.common.http.HttpResponse;
import dev.kiln.common.http.UnixHttpClient;
import dev.kiln.image.store.ImageStore;
import dev.kiln.image.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A Kiln image runs under Docker unchanged: built by Kiln, loaded into dockerd with skopeo, started
 * by Testcontainers with the socket directory mounted, answering HTTP over the socket.
 */
class DockerInteropIT {

  @TempDir static Path tmp;

  @BeforeAll
  static void docker() throws Exception {
    Tools.require("docker", "the Docker interop test runs the image under dockerd");
    Tools.require("skopeo", "skopeo loads the image into dockerd");
    // Testcontainers 2 speaks Docker API 1.44 unless told otherwise; Debian's dockerd 20.10
    // tops out at 1.41, so use whatever the daemon says it supports.
    String api = Tools.run("docker", "version", "--format", "{{.Server.APIVersion}}").ok().strip();
    System.setProperty("api.version", api);
  }

  @Test
  void pythonFunctionImageAnswersOverItsSocketUnderDocker() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("store"));
    BuildResult built =
        new FunctionBuilder(store, BaseRuntimes.fromEnvironment())
            .build(Examples.dir("hello-python"), "hello-python:docker", BuildListener.NONE);
    Path layout = tmp.resolve("layout");
    ImageTransfer.copy(store, built.manifest(), ImageStore.open(layout), "hello-python:docker");
    String image = "kiln-it/hello-python:" + built.manifest().digest().shortHex();
    Tools.run("skopeo", "copy", "oci:" + layout + ":hello-python:docker", "docker-daemon:" + image)
        .ok();

    Path socketDir = Files.createDirectories(tmp.resolve("sock"));
    try (GenericContainer<?> container =
        new GenericContainer<>(DockerImageName.parse(image))
            .withFileSystemBind(socketDir.toString(), "/run/kiln", BindMode.READ_WRITE)
            .waitingFor(Wait.forLogMessage(".*kiln-runner ready.*", 1))
            .withStartupTimeout(Duration.ofSeconds(60))) {
      container.start();
      try (UnixHttpClient client = UnixHttpClient.of(socketDir.resolve("fn.sock"))) {
        HttpResponse r = client.send(HttpRequest.get("/?name=Docker"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyAsString()).contains("Hello, Docker!");
      }
    } finally {
      Tools.run("docker", "rmi", "-f", image);
    }
  }
}
