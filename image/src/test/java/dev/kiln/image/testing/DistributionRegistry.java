package dev.kiln.image.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** The Distribution registry ({@code docker-registry serve}) on a free loopback port. */
public final class DistributionRegistry implements AutoCloseable {
  final int port;
  private final Process process;
  private final Path log;

  private DistributionRegistry(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts an open registry storing under {@code dir}. */
  public static DistributionRegistry start(Path dir) throws Exception {
    return start(dir, null, null);
  }

  /** Starts a registry storing under {@code dir}; with a user, it requires htpasswd auth. */
  public static DistributionRegistry start(Path dir, String user, String password)
      throws Exception {
    Tools.require("docker-registry", "tests push to and pull from the Distribution registry");
    Files.createDirectories(dir);
    int port = Tools.freePort();
    StringBuilder config = new StringBuilder();
    config.append("version: 0.1\n");
    config.append("log:\n  level: info\n");
    config
        .append("storage:\n  filesystem:\n    rootdirectory: ")
        .append(dir.resolve("data"))
        .append("\n  delete:\n    enabled: true\n");
    config.append("http:\n  addr: 127.0.0.1:").append(port).append("\n");
    if (user != null) {
      Tools.require("htpasswd", "the registry's htpasswd file is made with it");
      Path htpasswd = dir.resolve("htpasswd");
      Files.writeString(htpasswd, Tools.run("htpasswd", "-Bbn", user, password).ok());
      config
          .append("auth:\n  htpasswd:\n    realm: kiln-test\n    path: ")
          .append(htpasswd)
          .append("\n");
    }
    Path configFile = dir.resolve("config.yml");
    Files.writeString(configFile, config);
    Path log = dir.resolve("registry.log");
    Process p =
        new ProcessBuilder("docker-registry", "serve", configFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    DistributionRegistry r = new DistributionRegistry(port, p, log);
    r.awaitReady();
    return r;
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  private void awaitReady() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("docker-registry exited:\n" + Files.readString(log));
      }
      try {
        int status =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://" + address() + "/v2/")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status == 200 || status == 401) {
          return;
        }
      } catch (IOException notYet) {
        // Still starting.
      }
      Thread.sleep(100);
    }
    close();
    throw new IllegalStateException("docker-registry did not start:\n" + Files.readString(log));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
