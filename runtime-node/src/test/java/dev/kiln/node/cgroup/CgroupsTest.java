package dev.kiln.node.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both layouts against fake cgroup trees: which files are written and read, with what. */
class CgroupsTest {
  @TempDir Path tmp;

  private static void files(Path dir, String... namesAndValues) throws IOException {
    Files.createDirectories(dir);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      Files.writeString(dir.resolve(namesAndValues[i]), namesAndValues[i + 1]);
    }
  }

  private Path mountinfo() throws IOException {
    StringBuilder table = new StringBuilder();
    int n = 30;
    for (String controller : new String[] {"memory", "cpu", "cpuacct", "pids", "freezer"}) {
      table
          .append(n++)
          .append(" 1 0:")
          .append(n)
          .append(" / ")
          .append(tmp.resolve(controller))
          .append(" rw,nosuid shared:9 - cgroup cgroup rw,")
          .append(controller)
          .append('\n');
    }
    table
        .append("40 1 0:40 / ")
        .append(tmp.resolve("unified"))
        .append(" rw shared:10 - cgroup2 cgroup2 rw,nsdelegate\n");
    return Files.writeString(tmp.resolve("mountinfo"), table.toString());
  }

  @Test
  void v1AppliesLimitsAndReadsStatsAndOom() throws IOException {
    Cgroups cgroups = Cgroups.detect(tmp, mountinfo(), "kiln");
    String id = "kiln-ab12";
    files(
        tmp.resolve("memory/kiln/" + id),
        "memory.limit_in_bytes",
        "9223372036854771712",
        "memory.memsw.limit_in_bytes",
        "9223372036854771712",
        "memory.usage_in_bytes",
        "1048576\n",
        "memory.max_usage_in_bytes",
        "67108864\n",
        "memory.oom_control",
        "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    files(
        tmp.resolve("cpu/kiln/" + id),
        "cpu.cfs_period_us",
        "",
        "cpu.cfs_quota_us",
        "",
        "cpu.shares",
        "2\n");
    files(tmp.resolve("cpuacct/kiln/" + id), "cpuacct.usage", "5000000\n");
    files(tmp.resolve("pids/kiln/" + id), "pids.max", "", "pids.current", "3\n");

    assertThat(cgroups.version()).isEqualTo(1);
    assertThat(cgroups.cgroupsPath(id)).isEqualTo("/kiln/kiln-ab12");
    cgroups.apply(id, Limits.ofMemoryMiB(64).withCpuMillis(1500).withPids(20));

    assertThat(Files.readString(tmp.resolve("memory/kiln/" + id + "/memory.limit_in_bytes")))
        .isEqualTo("67108864");
    assertThat(Files.readString(tmp.resolve("memory/kiln/" + id + "/memory.memsw.limit_in_bytes")))
        .isEqualTo("67108864");
    assertThat(Files.readString(tmp.resolve("cpu/kiln/" + id + "/cpu.cfs_quota_us")))
        .isEqualTo("150000");
    assertThat(Files.readString(tmp.resolve("cpu/kiln/" + id + "/cpu.cfs_period_us")))
        .isEqualTo("100000");
    assertThat(Files.readString(tmp.resolve("cpu/kiln/" + id + "/cpu.shares"))).isEqualTo("1024");
    assertThat(Files.readString(tmp.resolve("pids/kiln/" + id + "/pids.max"))).isEqualTo("20");
    assertThat(cgroups.stats(id)).isEqualTo(new CgroupStats(1048576, 67108864, 5000000, 3, 1));
    assertThat(cgroups.outOfMemory(id, 64))
        .get()
        .extracting(OutOfMemory::message)
        .isEqualTo("out of memory: limit 64 MiB");
    assertThat(cgroups.list()).containsExactly(id);
  }

  @Test
  void v1RemovesTheContainerFromEveryHierarchy() throws IOException {
    Cgroups cgroups = Cgroups.detect(tmp, mountinfo(), "kiln");
    Files.createDirectories(tmp.resolve("memory/kiln/a"));
    Files.createDirectories(tmp.resolve("unified/kiln/a"));
    Files.createDirectories(tmp.resolve("pids/kiln/b"));

    assertThat(cgroups.list()).containsExactly("a", "b");
    cgroups.remove("a");

    assertThat(cgroups.list()).containsExactly("b");
    assertThat(tmp.resolve("unified/kiln/a")).doesNotExist();
  }

  @Test
  void v2AppliesLimitsAndReadsStatsAndOom() throws IOException {
    files(tmp, "cgroup.controllers", "cpu memory pids\n", "cgroup.subtree_control", "");
    files(tmp.resolve("kiln"), "cgroup.subtree_control", "");
    Cgroups cgroups = Cgroups.detect(tmp, tmp.resolve("unused"), "kiln");
    String id = "kiln-ab12";
    files(
        tmp.resolve("kiln/" + id),
        "memory.max",
        "max",
        "memory.swap.max",
        "max",
        "cpu.max",
        "max 100000",
        "cpu.weight",
        "1\n",
        "pids.max",
        "max",
        "memory.current",
        "2048\n",
        "memory.peak",
        "4096\n",
        "cpu.stat",
        "usage_usec 7\nuser_usec 5\n",
        "pids.current",
        "2\n",
        "memory.events",
        "low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\n");

    assertThat(cgroups.version()).isEqualTo(2);
    cgroups.prepare();
    cgroups.apply(id, Limits.ofMemoryMiB(128).withCpuMillis(500));

    Path dir = tmp.resolve("kiln/" + id);
    assertThat(Files.readString(dir.resolve("memory.max"))).isEqualTo("134217728");
    assertThat(Files.readString(dir.resolve("memory.swap.max"))).isEqualTo("0");
    assertThat(Files.readString(dir.resolve("cpu.max"))).isEqualTo("50000 100000");
    assertThat(Files.readString(dir.resolve("cpu.weight"))).isEqualTo("100");
    assertThat(Files.readString(dir.resolve("pids.max"))).isEqualTo("64");
    assertThat(cgroups.stats(id)).isEqualTo(new CgroupStats(2048, 4096, 7000, 2, 0));
    assertThat(cgroups.outOfMemory(id, 128)).isEmpty();
    assertThat(cgroups.list()).containsExactly(id);
  }

  @Test
  void rejectsIdsThatAreNotOnePathElement() throws IOException {
    Cgroups cgroups = Cgroups.detect(tmp, mountinfo(), "kiln");

    assertThatThrownBy(() -> cgroups.cgroupsPath("../escape"))
        .hasMessage("invalid container id: ../escape");
    assertThatThrownBy(() -> Cgroups.detect(tmp, tmp, "a/b"))
        .hasMessage("cgroup subtree must be one path element: a/b");
  }

  @Test
  void missingFileNamesContainerAndPath() throws IOException {
    Cgroups cgroups = Cgroups.detect(tmp, mountinfo(), "kiln");

    assertThatThrownBy(() -> cgroups.stats("gone"))
        .isInstanceOf(CgroupException.class)
        .hasMessageContaining("of container gone")
        .hasMessageContaining("memory/kiln/gone/memory.usage_in_bytes");
  }
}
