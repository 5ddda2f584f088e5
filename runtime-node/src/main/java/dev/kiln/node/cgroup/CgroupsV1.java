package dev.kiln.node.cgroup;

import dev.kiln.common.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * cgroup v1, including hybrid hosts where cgroup2 is mounted at {@code /sys/fs/cgroup/unified}
 * without controllers. Each controller is its own hierarchy, so a container has one directory per
 * hierarchy; runc creates it in every mounted one, so removal covers all of them.
 *
 * @see <a href="https://docs.kernel.org/admin-guide/cgroup-v1/index.html">cgroup v1</a>
 */
final class CgroupsV1 implements Cgroups {
  private static final List<String> REQUIRED = List.of("memory", "cpu", "cpuacct", "pids");

  /** Controller (or {@code name=...}, or {@code unified}) to its mount point. */
  private final Map<String, Path> hierarchies;

  private final String subtree;

  CgroupsV1(Map<String, Path> hierarchies, String subtree) {
    this.hierarchies = Map.copyOf(hierarchies);
    this.subtree = subtree;
    for (String controller : REQUIRED) {
      if (!hierarchies.containsKey(controller)) {
        throw new IllegalStateException(
            "cgroup v1 controller '" + controller + "' is not mounted; mounted: " + hierarchies);
      }
    }
  }

  /**
   * Reads cgroup mounts from a mountinfo file (proc(5)): fields after " - " are the filesystem
   * type, the source and the super options, which name the controllers of a v1 hierarchy.
   */
  static CgroupsV1 fromMountinfo(Path mountinfo, String subtree) {
    Map<String, Path> hierarchies = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(mountinfo)) {
        String[] halves = line.split(" - ", 2);
        if (halves.length != 2) {
          continue;
        }
        String[] pre = halves[0].split(" ");
        String[] post = halves[1].split(" ");
        Path mountPoint = Path.of(pre[4]);
        if (post[0].equals("cgroup2")) {
          hierarchies.put("unified", mountPoint);
        } else if (post[0].equals("cgroup") && post.length >= 3) {
          for (String option : post[2].split(",")) {
            if (!option.equals("rw") && !option.equals("ro") && !option.startsWith("clone")) {
              hierarchies.putIfAbsent(option, mountPoint);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the mount table " + mountinfo, e);
    }
    return new CgroupsV1(hierarchies, subtree);
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public String subtree() {
    return subtree;
  }

  private Path dir(String controller, String id) {
    return hierarchies.get(controller).resolve(subtree).resolve(CgroupFiles.checkId(id));
  }

  /** The controllers Kiln creates and limits itself; freezer where mounted, for killAll. */
  private List<String> owned() {
    List<String> owned = new ArrayList<>(REQUIRED);
    if (hierarchies.containsKey("freezer")) {
      owned.add("freezer");
    }
    return owned;
  }

  @Override
  public void prepare() {
    for (String controller : owned()) {
      CgroupFiles.mkdirs(null, hierarchies.get(controller).resolve(subtree));
    }
  }

  @Override
  public void create(String containerId) {
    prepare();
    for (String controller : owned()) {
      CgroupFiles.mkdirs(containerId, dir(controller, containerId));
    }
  }

  @Override
  public void apply(String id, Limits limits) {
    Path memory = dir("memory", id);
    long bytes = limits.memoryMiB() * 1024L * 1024L;
    Path limit = memory.resolve("memory.limit_in_bytes");
    Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
    // memsw (memory + swap) must never be below the memory limit, so the order depends on
    // whether the limit grows or shrinks. memsw exists only with swap accounting enabled.
    boolean withSwap = Files.exists(memsw);
    if (withSwap && bytes > CgroupFiles.readLong(id, memsw)) {
      CgroupFiles.write(id, memsw, Long.toString(bytes));
      CgroupFiles.write(id, limit, Long.toString(bytes));
    } else {
      CgroupFiles.write(id, limit, Long.toString(bytes));
      if (withSwap) {
        CgroupFiles.write(id, memsw, Long.toString(bytes));
      }
    }
    Path cpu = dir("cpu", id);
    CgroupFiles.write(id, cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_MICROS));
    CgroupFiles.write(
        id, cpu.resolve("cpu.cfs_quota_us"), Long.toString(quotaMicros(limits.cpuMillis())));
    // The default weight: a stem cell started at the lowest while it waited.
    CgroupFiles.write(id, cpu.resolve("cpu.shares"), "1024");
    CgroupFiles.write(id, dir("pids", id).resolve("pids.max"), Integer.toString(limits.pids()));
  }

  static long quotaMicros(int cpuMillis) {
    return cpuMillis * CPU_PERIOD_MICROS / 1000;
  }

  @Override
  public CgroupStats stats(String id) {
    Path memory = dir("memory", id);
    return new CgroupStats(
        CgroupFiles.readLong(id, memory.resolve("memory.usage_in_bytes")),
        CgroupFiles.readLong(id, memory.resolve("memory.max_usage_in_bytes")),
        CgroupFiles.readLong(id, dir("cpuacct", id).resolve("cpuacct.usage")),
        CgroupFiles.readLong(id, dir("pids", id).resolve("pids.current")),
        oomKills(id, memory));
  }

  /**
   * memory.oom_control has an {@code oom_kill} counter since Linux 4.13; older kernels only count
   * limit hits in memory.failcnt, which is the closest signal they give.
   */
  private static long oomKills(String id, Path memory) {
    return CgroupFiles.readKeyed(id, memory.resolve("memory.oom_control"), "oom_kill")
        .orElseGet(() -> CgroupFiles.readLong(id, memory.resolve("memory.failcnt")) > 0 ? 1 : 0);
  }

  @Override
  public boolean exists(String containerId) {
    return Files.isDirectory(dir("memory", containerId));
  }

  @Override
  public List<String> list() {
    TreeSet<String> ids = new TreeSet<>();
    for (Path mount : new TreeSet<>(hierarchies.values())) {
      ids.addAll(CgroupFiles.children(mount.resolve(subtree)));
    }
    return List.copyOf(ids);
  }

  @Override
  public void killAll(String id) {
    Path freezer = hierarchies.containsKey("freezer") ? dir("freezer", id) : null;
    boolean canFreeze = freezer != null && Files.exists(freezer.resolve("freezer.state"));
    Path procs = (canFreeze ? freezer : dir("pids", id)).resolve("cgroup.procs");
    long deadline = System.currentTimeMillis() + CgroupFiles.WAIT_MILLIS;
    // Freezing first stops a fork bomb from forking new tasks between reading the pid list and
    // killing it; frozen tasks die as soon as they are thawed.
    List<Long> pids = CgroupFiles.pids(procs);
    while (!pids.isEmpty()) {
      if (System.currentTimeMillis() > deadline) {
        throw new CgroupException(
            id, procs, "cannot kill the processes of container " + id + ": " + pids, null);
      }
      if (canFreeze) {
        freeze(id, freezer);
        CgroupFiles.sigkill(CgroupFiles.pids(procs));
        CgroupFiles.write(id, freezer.resolve("freezer.state"), "THAWED");
      } else {
        CgroupFiles.sigkill(pids);
      }
      CgroupFiles.pause(5);
      pids = CgroupFiles.pids(procs);
    }
  }

  private static void freeze(String id, Path freezer) {
    Path state = freezer.resolve("freezer.state");
    CgroupFiles.write(id, state, "FROZEN");
    for (int i = 0; i < 200 && !CgroupFiles.read(id, state).equals("FROZEN"); i++) {
      CgroupFiles.pause(5);
    }
  }

  @Override
  public void remove(String id) {
    for (Path mount : new TreeSet<>(hierarchies.values())) {
      CgroupFiles.rmdir(id, mount.resolve(subtree).resolve(CgroupFiles.checkId(id)));
    }
  }

  @Override
  public List<Long> processes(String id) {
    return CgroupFiles.pids(dir("pids", id).resolve("cgroup.procs"));
  }

  @Override
  public void removeSubtree() {
    for (Path mount : new TreeSet<>(hierarchies.values())) {
      Path dir = mount.resolve(subtree);
      if (Files.isDirectory(dir) && CgroupFiles.children(dir).isEmpty()) {
        CgroupFiles.rmdir(null, dir);
      }
    }
  }
}
