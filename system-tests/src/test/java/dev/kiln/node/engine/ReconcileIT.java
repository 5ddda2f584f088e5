package dev.kiln.node.engine;

import static dev.kiln.node.engine.Engines.get;
import static dev.kiln.node.engine.Engines.okBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.StartRequest;
import dev.kiln.image.store.ImageStore;
import dev.kiln.node.cgroup.Cgroups;
import dev.kiln.node.oci.OciRuntime;
import dev.kiln.node.rootfs.MountTable;
import dev.kiln.node.testing.Requirements;
import dev.kiln.system.KilnImages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with SIGKILL leaves containers, mounts and cgroups behind; the next engine on the
 * same data directory removes them all before it serves.
 */
class ReconcileIT {
  @TempDir Path data;

  @Test
  void aNewEngineCleansUpAfterANodeKilledWithSigkill() throws Exception {
    Requirements.rootAndRunc();
    ImageRef image = KilnImages.example("hello-python");
    ImageRef runtimeImage = KilnImages.runtimeImage(Runtime.PYTHON);
    ImageStore store = KilnImages.store();
    String nodeId = Engines.nodeId();

    Process node = startCrashingNode(nodeId, store, image, runtimeImage);
    String ready;
    try {
      ready = awaitReady(node);
    } catch (RuntimeException | IOException e) {
      node.destroyForcibly();
      throw e;
    }
    node.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
    assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    System.out.println("[engine] killed node " + nodeId + " after: " + ready);

    Cgroups cgroups = Cgroups.detect("kiln-" + nodeId);
    // The node keeps its runtime's state under <data>/<runtime>: crun where it works, else runc.
    OciRuntime runc =
        Files.isDirectory(data.resolve("crun"))
            ? OciRuntime.crun(onPath("crun"), data.resolve("crun"))
            : OciRuntime.runc(Requirements.runc(), data.resolve("runc"));
    assertThat(MountTable.read().under(data)).as("the dead node's mounts").isNotEmpty();
    assertThat(cgroups.list()).as("the dead node's cgroups").hasSizeGreaterThanOrEqualTo(3);
    assertThat(runc.list()).as("the dead node's containers").hasSizeGreaterThanOrEqualTo(3);

    NodeConfig config = NodeConfig.defaults(nodeId, data, store);
    try (NodeEngine engine = NodeEngine.start(config)) {
      assertThat(MountTable.read().under(data)).as("mounts left").isEmpty();
      assertThat(cgroups.list()).as("cgroups left").isEmpty();
      assertThat(runc.list()).as(runc.name() + " containers left").isEmpty();
      assertThat(processesIn("kiln-" + nodeId)).as("processes left").isEmpty();
      try (Stream<Path> dirs = Files.list(data.resolve("containers"))) {
        assertThat(dirs).as("container dirs left").isEmpty();
      }
      String freshId = ready.split(" ")[1];
      assertThat(engine.logs(freshId, 1000)).as("logs of the dead node's container").isNotNull();

      FunctionSpec spec = FunctionSpec.of("hello-python", Runtime.PYTHON, "handler.handle");
      ContainerInfo c = engine.start(new StartRequest(spec, 1, image, StartRequest.StartMode.AUTO));
      assertThat(okBody(engine.invoke(c.id(), get("name=again", 10)))).isEqualTo("Hello, again!");
    }
    assertThat(MountTable.read().under(data)).as("mounts after close").isEmpty();
    assertThat(cgroups.list()).as("cgroups after close").isEmpty();
  }

  private Process startCrashingNode(
      String nodeId, ImageStore store, ImageRef image, ImageRef runtimeImage) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command =
        new ArrayList<>(List.of(java, "-cp", classpath, CrashingNodeMain.class.getName()));
    command.addAll(
        List.of(
            nodeId,
            data.toString(),
            store.root().toString(),
            image.localName(),
            runtimeImage.localName()));
    return new ProcessBuilder(command)
        .redirectError(Path.of("target", "reconcile-it-node.err").toAbsolutePath().toFile())
        .start();
  }

  private static String awaitReady(Process node) throws Exception {
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                BufferedReader reader =
                    new BufferedReader(
                        new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                for (String l; (l = reader.readLine()) != null; ) {
                  if (l.startsWith("READY")) {
                    return l;
                  }
                }
                return "exited with " + node.waitFor();
              } catch (IOException | InterruptedException e) {
                return "failed: " + e;
              }
            });
    String ready = line.get(180, TimeUnit.SECONDS);
    if (!ready.startsWith("READY")) {
      throw new IllegalStateException("the crashing node did not get ready: " + ready);
    }
    return ready;
  }

  /** Live, non-zombie processes whose cgroup is in the node's subtree. */
  private static List<Long> processesIn(String subtree) throws IOException {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.toList()) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(proc.resolve("stat"));
          boolean zombie = stat.substring(stat.lastIndexOf(')') + 1).trim().startsWith("Z");
          if (!zombie && Files.readString(proc.resolve("cgroup")).contains(":/" + subtree + "/")) {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException exited) {
          // gone while we looked
        }
      }
    }
    return pids;
  }

  private static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return Path.of("/usr/bin", name);
  }
}
