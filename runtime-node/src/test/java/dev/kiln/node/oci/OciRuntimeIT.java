package dev.kiln.node.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.node.testing.ContainerHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime's lifecycle commands against real runc, as root. */
class OciRuntimeIT {
  @TempDir Path tmp;
  private ContainerHarness harness;

  @BeforeEach
  void setUp() {
    harness = ContainerHarness.in(tmp);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  @Test
  void detectPicksAWorkingRuntimeAndLeavesNothingBehind() {
    OciRuntime runtime = OciRuntime.detect(tmp.resolve("node"), harness.cgroups());

    // crun is preferred where it works. crun 1.8 refuses a v1 (hybrid) host whose cgroup2
    // hierarchy holds controllers; .ci/run binds those to v1 hierarchies, which lets it run.
    assertThat(runtime.name()).isIn("crun", "runc");
    boolean crunInstalled = RuntimeProbe.find("crun").isPresent();
    if (crunInstalled && (harness.cgroups().version() == 2 || !cgroup2HoldsControllers())) {
      assertThat(runtime.name()).isEqualTo("crun");
    } else if (harness.cgroups().version() == 1) {
      assertThat(runtime.name()).isEqualTo("runc");
    }
    assertThat(runtime.list()).isEmpty();
    assertThat(tmp.resolve("node/probe")).doesNotExist();
    assertThat(harness.cgroups().list()).isEmpty();
  }

  @Test
  void lifecycleRunStateKillDeleteList() throws Exception {
    String id = "rt-life";
    harness.start(harness.spec(id, "/bin/sleep", "60").build());

    ContainerState state = harness.runtime().state(id);
    assertThat(state.status()).isEqualTo(ContainerState.Status.RUNNING);
    assertThat(state.pid()).isPositive();
    assertThat(harness.runtime().list()).extracting(ContainerState::id).containsExactly(id);

    harness.runtime().kill(id, "KILL");
    harness.awaitStopped(id, Duration.ofSeconds(5));
    harness.runtime().delete(id, false);

    assertThat(harness.runtime().list()).isEmpty();
    assertThat(harness.cgroups().exists(id)).isFalse();
    assertThatThrownBy(() -> harness.runtime().state(id))
        .isInstanceOf(OciRuntimeException.class)
        .hasMessageStartingWith("runc state rt-life failed (exit 1): ")
        .hasMessageContaining("container does not exist");
  }

  @Test
  void failureToStartNamesTheContainerCommandAndCause() {
    BundleSpec spec = harness.spec("rt-missing", "/no/such/program").build();

    assertThatThrownBy(() -> harness.start(spec))
        .isInstanceOf(OciRuntimeException.class)
        .hasMessageStartingWith("runc run rt-missing failed (exit 1): ")
        .hasMessageContaining("/no/such/program")
        .hasMessageContaining("no such file or directory")
        .satisfies(
            e -> {
              OciRuntimeException error = (OciRuntimeException) e;
              assertThat(error.containerId()).isEqualTo("rt-missing");
              assertThat(error.command()).contains("run", "--detach", "rt-missing");
            });
  }

  @Test
  void stdoutAndStderrGoToTheLogFiles() throws Exception {
    String id = "rt-logs";
    harness.runToEnd(harness.spec(id, "/bin/sh", "-c", "echo to-out; echo to-err >&2").build());

    assertThat(Files.readString(harness.stdoutLog(id))).isEqualTo("to-out\n");
    assertThat(Files.readString(harness.stderrLog(id))).isEqualTo("to-err\n");
  }

  @Test
  void bindMountsAreWritableOrReadOnlyAsAsked() throws Exception {
    Path socketDir = Files.createDirectories(tmp.resolve("sock"));
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("handler.txt"), "code v1");
    String out =
        harness.runToEnd(
            harness
                .spec(
                    "rt-binds",
                    "/bin/sh",
                    "-c",
                    "echo ready > /run/kiln/runner.sock; cat /code/handler.txt; echo; touch /code/x")
                .mount(BindMount.readWrite(socketDir, "/run/kiln"))
                .mount(
                    BindMount.readOnly(code, "/code").withPropagation(BindMount.Propagation.SLAVE))
                .build());

    assertThat(Files.readString(socketDir.resolve("runner.sock"))).isEqualTo("ready\n");
    assertThat(out).contains("code v1").contains("Read-only file system");
    assertThat(code.resolve("x")).doesNotExist();
  }

  private static boolean cgroup2HoldsControllers() {
    Path controllers = Path.of("/sys/fs/cgroup/unified/cgroup.controllers");
    try {
      return Files.exists(controllers) && !Files.readString(controllers).isBlank();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
