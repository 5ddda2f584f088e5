package dev.kiln.node.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.Limits;
import dev.kiln.node.testing.ContainerHarness;
import dev.kiln.node.testing.TestRootfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a function sees from inside its container: only itself. Real runc, as root. */
class ContainerIsolationIT {
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
  void seesOnlyItsOwnProcesses() throws Exception {
    String out =
        harness.runToEnd(
            harness.spec("iso-ps", "/bin/sh", "-c", "sleep 5 & ls -d /proc/[0-9]*").build());

    assertThat(out.lines()).contains("/proc/1").hasSizeBetween(2, 3);
    assertThat(out.lines().map(l -> Long.parseLong(l.substring(6)))).allMatch(pid -> pid < 10);
  }

  @Test
  void hasOnlyLoopbackWhichIsUp() throws Exception {
    String out =
        harness.runToEnd(
            harness
                .spec(
                    "iso-net",
                    "/bin/sh",
                    "-c",
                    "ls /sys/class/net; cat /sys/class/net/lo/flags; cat /proc/net/dev")
                .build());

    assertThat(out.lines().findFirst()).hasValue("lo");
    // IFF_UP | IFF_LOOPBACK: runc brings lo up in a new network namespace.
    assertThat(out).contains("0x9");
    assertThat(out.lines().filter(l -> l.contains(":") && !l.contains("|")))
        .singleElement()
        .satisfies(l -> assertThat(l.trim()).startsWith("lo:"));
  }

  @Test
  void hasItsOwnHostname() throws Exception {
    String out =
        harness.runToEnd(
            harness
                .spec("iso-host", "/bin/cat", "/proc/sys/kernel/hostname")
                .hostname("fn-resize")
                .build());

    assertThat(out.strip()).isEqualTo("fn-resize");
  }

  @Test
  void rootIsReadOnlyButTmpIsWritable() throws Exception {
    String out =
        harness.runToEnd(
            harness
                .spec(
                    "iso-ro",
                    "/bin/sh",
                    "-c",
                    "touch /evil; mkdir /usr/evil; echo x > /tmp/ok && cat /tmp/ok")
                .build());

    assertThat(out).contains("touch: cannot touch '/evil': Read-only file system");
    assertThat(out).contains("Read-only file system");
    assertThat(out.lines()).contains("x");
    assertThat(TestRootfs.get().resolve("evil")).doesNotExist();
    assertThat(TestRootfs.get().resolve("tmp/ok")).doesNotExist();
  }

  @Test
  void cannotReadHostFilesOutsideItsRootfs() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "host secret");
    String out =
        harness.runToEnd(
            harness
                .spec(
                    "iso-host-files",
                    "/bin/sh",
                    "-c",
                    "cat " + secret + "; cat /proc/1/root" + secret + "; cat /etc/shadow; ls /")
                .build());

    assertThat(out).doesNotContain("host secret");
    assertThat(out).contains("No such file or directory");
    // The container's / is the rootfs directory (plus mount points runc created in it).
    List<String> rootfs;
    try (Stream<Path> entries = Files.list(TestRootfs.get())) {
      rootfs =
          entries.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
    }
    assertThat(out.lines().filter(l -> !l.startsWith("cat:")).toList())
        .containsExactlyInAnyOrderElementsOf(rootfs)
        .doesNotContain("work", "home", "opt");
  }

  @Test
  void limitsAreVisibleOnTheHostAndInside() throws Exception {
    String id = "iso-cg";
    harness.start(
        harness
            .spec(
                id,
                "/bin/sh",
                "-c",
                "cat /proc/self/cgroup; cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null; sleep 30")
            .limits(Limits.ofMemoryMiB(64).withPids(20).withCpuMillis(250))
            .build());
    Thread.sleep(200);

    boolean v1 = harness.cgroups().version() == 1;
    Path memory = harness.hostCgroupDir("memory", id);
    assertThat(
            Files.readString(memory.resolve(v1 ? "memory.limit_in_bytes" : "memory.max")).strip())
        .isEqualTo("67108864");
    Path pids = harness.hostCgroupDir("pids", id);
    assertThat(Files.readString(pids.resolve("pids.max")).strip()).isEqualTo("20");
    if (v1) {
      Path cpu = harness.hostCgroupDir("cpu", id);
      assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us")).strip()).isEqualTo("25000");
      assertThat(Files.readString(memory.resolve("memory.memsw.limit_in_bytes")).strip())
          .isEqualTo("67108864");
    } else {
      assertThat(Files.readString(memory.resolve("cpu.max")).strip()).isEqualTo("25000 100000");
    }
    String inside = Files.readString(harness.stdoutLog(id));
    assertThat(inside).contains(":/" + harness.cgroups().subtree() + "/" + id);
    assertThat(inside.lines()).contains("67108864");
    assertThat(harness.cgroups().stats(id).pids()).isBetween(2L, 20L);
    harness.destroy(id);
    assertThat(memory).doesNotExist();
  }

  @Test
  void languageRuntimesRunUnderTheSeccompProfile() throws Exception {
    BundleSpec python =
        harness
            .spec(
                "iso-python",
                "/usr/bin/python3",
                "-c",
                "import threading, subprocess; t = threading.Thread(target=print, args=('thread',));"
                    + " t.start(); t.join();"
                    + " print(subprocess.run(['/bin/echo', 'child'], capture_output=True).stdout.decode().strip())")
            .mounts(TestRootfs.pythonMounts())
            .build();
    assertThat(harness.runToEnd(python).lines()).containsExactly("thread", "child");

    BundleSpec node =
        harness
            .spec(
                "iso-node",
                "/usr/bin/node",
                "-e",
                "require('fs').readFile('/etc/passwd', (e, d) => console.log(e ? e.message : 'node ok'))")
            .build();
    assertThat(harness.runToEnd(node).strip()).isEqualTo("node ok");

    BundleSpec java =
        harness
            .spec("iso-java", TestRootfs.java(), "-Xmx64m", "-XshowSettings:properties", "-version")
            .mounts(TestRootfs.javaMounts())
            .limits(Limits.ofMemoryMiB(512))
            .build();
    String out = harness.runToEnd(java);
    assertThat(out).contains("openjdk version \"17").contains("os.name = Linux");
  }
}
