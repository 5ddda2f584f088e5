package dev.kiln.node.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecTranslatorTest {
  @TempDir Path tmp;

  private BundleSpec.Builder spec() {
    return BundleSpec.builder("kiln-ab12", tmp, List.of("/usr/bin/python3", "-m", "runner"));
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  @Test
  void writesAHardenedConfig() throws Exception {
    OciBundle bundle =
        OciBundle.write(
            tmp.resolve("bundle"),
            spec().limits(Limits.ofMemoryMiB(64).withCpuMillis(250)).build());
    JsonNode c = SpecTranslator.JSON.readTree(Files.readString(bundle.configJson()));

    assertThat(c.path("ociVersion").asText()).isEqualTo("1.0.2");
    assertThat(c.path("process").path("terminal").asBoolean()).isFalse();
    assertThat(c.path("process").path("noNewPrivileges").asBoolean()).isTrue();
    assertThat(texts(c.path("process").path("env"))).contains("PATH=" + BundleSpec.DEFAULT_PATH);
    assertThat(texts(c.path("process").path("capabilities").path("bounding")))
        .contains("CAP_NET_BIND_SERVICE")
        .doesNotContain("CAP_SYS_ADMIN", "CAP_NET_RAW");
    assertThat(c.path("root").path("readonly").asBoolean()).isTrue();
    assertThat(c.path("hostname").asText()).isEqualTo("kiln-ab12");
    assertThat(c.path("mounts").findValuesAsText("destination"))
        .containsExactly(
            "/proc",
            "/dev",
            "/dev/pts",
            "/dev/shm",
            "/dev/mqueue",
            "/sys",
            "/sys/fs/cgroup",
            "/tmp");
    JsonNode linux = c.path("linux");
    assertThat(linux.path("namespaces").findValuesAsText("type"))
        .containsExactlyInAnyOrder("pid", "network", "ipc", "uts", "mount");
    assertThat(linux.path("cgroupsPath").asText()).isEqualTo("/kiln/kiln-ab12");
    assertThat(linux.at("/resources/memory/limit").asLong()).isEqualTo(64L << 20);
    assertThat(linux.at("/resources/memory/swap").asLong()).isEqualTo(64L << 20);
    assertThat(linux.at("/resources/cpu/quota").asLong()).isEqualTo(25_000);
    assertThat(linux.at("/resources/cpu/period").asLong()).isEqualTo(100_000);
    assertThat(linux.at("/resources/pids/limit").asInt()).isEqualTo(64);
    assertThat(texts(linux.path("maskedPaths")))
        .contains("/proc/kcore", "/proc/keys", "/sys/firmware");
    assertThat(texts(linux.path("readonlyPaths"))).contains("/proc/sys", "/proc/sysrq-trigger");
    assertThat(linux.at("/seccomp/defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
    assertThat(texts(linux.at("/seccomp/syscalls/0/names")))
        .contains("read", "execve", "futex")
        .doesNotContain("mount", "reboot", "bpf", "unshare", "keyctl", "ptrace", "clone3");
  }

  @Test
  void bindMountsCarryModeAndPropagation() {
    JsonNode c =
        SpecTranslator.toConfig(
            spec()
                .mount(BindMount.readWrite(tmp, "/run/kiln"))
                .mount(
                    BindMount.readOnly(tmp, "/code").withPropagation(BindMount.Propagation.SLAVE))
                .build());

    JsonNode mounts = c.path("mounts");
    JsonNode code = mounts.get(mounts.size() - 1);
    assertThat(code.path("destination").asText()).isEqualTo("/code");
    assertThat(texts(code.path("options")))
        .containsExactly("rbind", "ro", "nosuid", "nodev", "rslave");
    assertThat(texts(mounts.get(mounts.size() - 2).path("options"))).contains("rw", "rprivate");
  }

  @Test
  void writableRootHasNoTmpfsOnTmp() {
    JsonNode c = SpecTranslator.toConfig(spec().readonlyRoot(false).build());

    assertThat(c.path("mounts").findValuesAsText("destination")).doesNotContain("/tmp");
  }

  @Test
  void reportsEveryFailedCheckByName() {
    BundleSpec bad =
        BundleSpec.builder("bad id", tmp.resolve("missing"), List.of())
            .cwd("relative")
            .mount(BindMount.readOnly(tmp.resolve("nope"), "code"))
            .mount(BindMount.readOnly(tmp, "/proc"))
            .cgroupsPath("kiln/x")
            .build();

    assertThatThrownBy(() -> OciBundle.write(tmp.resolve("b"), bad))
        .isInstanceOf(InvalidBundleException.class)
        .hasMessageStartingWith("invalid bundle for container bad id: ")
        .satisfies(
            e ->
                assertThat(((InvalidBundleException) e).problems())
                    .containsExactly(
                        "id: 'bad id' is not 1-128 of [A-Za-z0-9_.+-]",
                        "rootfs: root.path " + tmp.resolve("missing") + " is not a directory",
                        "process: args must name a program",
                        "process: cwd 'relative' is not absolute",
                        "hostname: 'bad id' is not 1-64 characters without '/', NUL or spaces",
                        "mounts: destination 'code' is not a clean absolute path below /",
                        "mounts: bind source " + tmp.resolve("nope") + " does not exist",
                        "mounts: two mounts on /proc",
                        "cgroups: cgroupsPath 'kiln/x' is not a clean absolute path below /"));
    assertThat(tmp.resolve("b/config.json")).doesNotExist();
  }

  @Test
  void seccompAllowListNeverContainsABlockedSyscall() {
    assertThat(SeccompProfile.ALLOWED).doesNotContainAnyElementsOf(SeccompProfile.BLOCKED);
    assertThat(SeccompProfile.ALLOWED).doesNotHaveDuplicates();
  }

  @Test
  void seccompFilterCoversOnlyTheHostArchitecture() {
    assertThat(SeccompProfile.nativeArchitecture("amd64")).isEqualTo("SCMP_ARCH_X86_64");
    assertThat(SeccompProfile.nativeArchitecture("aarch64")).isEqualTo("SCMP_ARCH_AARCH64");
    assertThat(SeccompProfile.ARCHITECTURES).hasSize(1);
    assertThatThrownBy(() -> SeccompProfile.nativeArchitecture("sparc"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("os.arch sparc");
  }

  @Test
  void runtimeErrorsNameContainerCommandAndCause() {
    OciRuntimeException e =
        new OciRuntimeException(
            "kiln-ab12",
            List.of(
                "/usr/sbin/runc",
                "--root",
                "/var/lib/kiln/runc",
                "--log",
                "x",
                "run",
                "--detach",
                "kiln-ab12"),
            1,
            "exec: \"/app\": no such file\n");

    assertThat(e).hasMessage("runc run kiln-ab12 failed (exit 1): exec: \"/app\": no such file");
  }
}
