package dev.kiln.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.builder.spec.FunctionSpecReader;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.common.node.NodeException;
import dev.kiln.common.node.StartRequest;
import dev.kiln.common.node.StartRequest.StartMode;
import dev.kiln.common.node.StemCellPool;
import dev.kiln.image.registry.ProgressListener;
import dev.kiln.image.registry.RegistryClient;
import dev.kiln.image.store.ImageStore;
import dev.kiln.image.testing.DistributionRegistry;
import dev.kiln.image.testing.Tools;
import dev.kiln.node.agent.RemoteNode;
import dev.kiln.node.rootfs.MountTable;
import dev.kiln.node.testing.Requirements;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote path, all real: images pushed to the Distribution registry, {@code kiln node} in its
 * own JVM pulling from it, and {@link RemoteNode} driving it over HTTP like the scheduler will.
 */
class RemoteNodeIT {

  @TempDir Path tmp;

  /** The node's data directory, kept short: socket paths under it must fit in 107 bytes. */
  @TempDir Path dataDir;

  @Test
  void aNodeProcessPullsImagesAndServesStemCellAndFreshContainers() throws Exception {
    Requirements.rootAndRunc();
    try (DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("registry"))) {
      ImageStore store = KilnImages.store();
      RegistryClient client = RegistryClient.fromEnvironment(Set.of(registry.address()));
      ImageRef function = ImageRef.parse(registry.address() + "/fn/hello-python:1");
      ImageRef runtime = ImageRef.parse(registry.address() + "/kiln/python:latest");
      push(client, store, KilnImages.example("hello-python"), function);
      push(client, store, KilnImages.runtimeImage(Runtime.PYTHON), runtime);

      int port = Tools.freePort();
      Path log = tmp.resolve("node.log");
      Process node =
          new ProcessBuilder(
                  ProcessHandle.current().info().command().orElse("java"),
                  "-Dsun.net.httpserver.nodelay=true",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "dev.kiln.node.agent.NodeMain",
                  "--data-dir",
                  dataDir.toString(),
                  "--listen",
                  "127.0.0.1:" + port,
                  "--registry",
                  "http://" + registry.address(),
                  "--stem-cells",
                  "python=1")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        awaitLine(log, node, "kiln node listening on http://127.0.0.1:" + port);
        RemoteNode remote = new RemoteNode(URI.create("http://127.0.0.1:" + port));
        awaitStemCell(remote);

        FunctionSpec spec =
            FunctionSpecReader.read(KilnImages.repoRoot().resolve("examples/hello-python"));
        assertThat(remote.ensureImage(function).layers()).isEqualTo(4);

        ContainerInfo cell = remote.start(new StartRequest(spec, 1, function, StartMode.STEM_CELL));
        assertThat(cell.coldStart()).isEqualTo(ContainerInfo.ColdStart.STEM_CELL);
        assertThat(answer(remote, cell.id(), "Remote")).isEqualTo("Hello, Remote!");

        ContainerInfo fresh = remote.start(new StartRequest(spec, 1, function, StartMode.FRESH));
        assertThat(fresh.coldStart()).isEqualTo(ContainerInfo.ColdStart.FRESH);
        assertThat(answer(remote, fresh.id(), "Fresh")).isEqualTo("Hello, Fresh!");
        System.out.printf(
            "[remote] startup over the agent: stem cell %d ms, fresh %d ms%n",
            cell.startup().toMillis(), fresh.startup().toMillis());

        remote.stop(cell.id());
        remote.stop(fresh.id());
        assertThat(remote.containers()).isEmpty();
      } finally {
        node.destroy();
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
          node.destroyForcibly().waitFor();
        }
      }
      assertThat(MountTable.read().under(dataDir))
          .as("mounts left after the node stopped")
          .isEmpty();

      RemoteNode gone = new RemoteNode(URI.create("http://127.0.0.1:" + port));
      org.assertj.core.api.Assertions.assertThatThrownBy(gone::info)
          .isInstanceOf(NodeException.class)
          .hasMessageContaining("http://127.0.0.1:" + port)
          .satisfies(e -> assertThat(((NodeException) e).status()).isIn(502, 503));
    }
  }

  private static void push(RegistryClient client, ImageStore store, ImageRef local, ImageRef target)
      throws Exception {
    client.push(
        store, store.resolve(local.localName()).orElseThrow(), target, ProgressListener.NOOP);
  }

  private static String answer(RemoteNode remote, String containerId, String name) {
    InvocationResult r =
        remote.invoke(
            containerId,
            new Invocation(
                "inv-" + name,
                "GET",
                "/",
                "name=" + name,
                Map.of(),
                null,
                Instant.now().plusSeconds(10)));
    assertThat(r).isInstanceOf(InvocationResult.Ok.class);
    return new String(((InvocationResult.Ok) r).body(), StandardCharsets.UTF_8);
  }

  private static void awaitStemCell(RemoteNode remote) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      for (StemCellPool pool : remote.stemCells()) {
        if (pool.runtime() == Runtime.PYTHON && pool.ready() >= 1) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no python stem cell became ready within 60 s");
  }

  private static void awaitLine(Path log, Process process, String line) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      if (text.contains(line)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("kiln node exited (" + process.exitValue() + "):\n" + text);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("kiln node did not start within 60 s:\n" + Files.readString(log));
  }
}
