package dev.kiln.node.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.Limits;
import dev.kiln.node.cgroup.OutOfMemory;
import dev.kiln.node.testing.ContainerHarness;
import dev.kiln.node.testing.TestRootfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hostile or greedy function stays inside its limits. Real runc, as root. */
class ContainmentIT {
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
  void memoryPastTheLimitIsReportedAsOutOfMemory() throws Exception {
    String id = "cnt-oom";
    harness.start(
        harness
            .spec(id, "/usr/bin/python3", "-c", "b = bytearray(300*1024*1024); print('survived')")
            .mounts(TestRootfs.pythonMounts())
            .limits(Limits.ofMemoryMiB(64))
            .build());
    harness.awaitStopped(id, Duration.ofSeconds(30));

    assertThat(harness.cgroups().outOfMemory(id, 64))
        .get()
        .extracting(OutOfMemory::message)
        .isEqualTo("out of memory: limit 64 MiB");
    assertThat(Files.readString(harness.stdoutLog(id))).doesNotContain("survived");
    assertThat(harness.cgroups().stats(id).memoryPeakBytes()).isLessThanOrEqualTo(64L << 20);
  }

  @Test
  void normalExitIsNotOutOfMemory() throws Exception {
    String id = "cnt-ok";
    harness.runToEnd(harness.spec(id, "/bin/echo", "fine").limits(Limits.ofMemoryMiB(64)).build());

    assertThat(harness.cgroups().outOfMemory(id, 64)).isEmpty();
  }

  @Test
  void forkBombIsStoppedByThePidsLimitAndKilledCleanly() throws Exception {
    String id = "cnt-fork";
    harness.start(
        harness
            .spec(id, "/bin/sh", "-c", "f() { f | f & }; f; sleep 60")
            .limits(Limits.DEFAULT.withPids(32))
            .build());
    Thread.sleep(1500);

    assertThat(harness.cgroups().stats(id).pids()).isBetween(2L, 32L);
    String events = Files.readString(harness.hostCgroupDir("pids", id).resolve("pids.events"));
    assertThat(events).doesNotContain("max 0");
    Process host = new ProcessBuilder("/bin/true").start();
    assertThat(host.waitFor()).as("the host can still fork").isZero();

    harness.cgroups().killAll(id);
    assertThat(harness.processesInSubtree()).isEmpty();
    harness.awaitStopped(id, Duration.ofSeconds(5));
    harness.runtime().delete(id, false);
    harness.cgroups().remove(id);
    assertThat(harness.cgroups().exists(id)).isFalse();
    assertThat(harness.processesInSubtree()).isEmpty();
  }

  @Test
  void privilegedOperationsAreRefused() throws Exception {
    String script =
        String.join(
            "\n",
            "import ctypes, errno, os",
            "libc = ctypes.CDLL(None, use_errno=True)",
            "def report(name, rc):",
            "    print(name, 'ok' if rc == 0 else errno.errorcode[ctypes.get_errno()])",
            "report('mount', libc.mount(b'none', b'/tmp', b'tmpfs', 0, None))",
            "report('umount', libc.umount2(b'/proc', 2))",
            // LINUX_REBOOT_CMD_CAD_OFF: harmless even if it were allowed.
            "report('reboot', libc.reboot(0))",
            "report('unshare', libc.unshare(0x10000000))",
            "report('bpf', libc.syscall(321, 0, None, 0))",
            "report('ptrace', libc.ptrace(0, 0, None, None))",
            "report('keyctl', libc.syscall(250, 0, 0, 0, 0, 0))",
            "for path in ['/proc/sys/kernel/hostname', '/sys/kernel/profiling', '/proc/sys/vm/drop_caches']:",
            "    try:",
            "        open(path, 'w').write('x')",
            "        print(path, 'ok')",
            "    except OSError as e:",
            "        print(path, errno.errorcode[e.errno])");
    String out =
        harness.runToEnd(
            harness
                .spec("cnt-priv", "/usr/bin/python3", "-c", script)
                .mounts(TestRootfs.pythonMounts())
                .build());

    assertThat(out.lines())
        .containsExactly(
            "mount EPERM",
            "umount EPERM",
            "reboot EPERM",
            "unshare EPERM",
            "bpf EPERM",
            "ptrace EPERM",
            "keyctl EPERM",
            "/proc/sys/kernel/hostname EROFS",
            "/sys/kernel/profiling EROFS",
            "/proc/sys/vm/drop_caches EROFS");
  }
}
