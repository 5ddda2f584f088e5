package dev.kiln.node.cgroup;

import dev.kiln.common.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * cgroup v2 (unified hierarchy): one directory per container, controllers enabled for the node's
 * subtree through {@code cgroup.subtree_control}.
 *
 * @see <a href="https://docs.kernel.org/admin-guide/cgroup-v2.html">cgroup v2</a>
 */
final class CgroupsV2 implements Cgroups {
  private static final List<String> CONTROLLERS = List.of("memory", "cpu", "pids");

  private final Path root;
  private final String subtree;

  CgroupsV2(Path root, String subtree) {
    this.root = root;
    this.subtree = subtree;
  }

  @Override
  public int version() {
    return 2;
  }

  @Override
  public String subtree() {
    return subtree;
  }

  private Path dir(String id) {
    return root.resolve(subtree).resolve(CgroupFiles.checkId(id));
  }

  @Override
  public void prepare() {
    Path parent = root.resolve(subtree);
    CgroupFiles.mkdirs(null, parent);
    // A controller is usable in a cgroup only when every ancestor enables it for its children
    // ("Top-down Constraint" in cgroup-v2.rst).
    for (Path level : List.of(root, parent)) {
      String enabled = CgroupFiles.read(null, level.resolve("cgroup.subtree_control"));
      for (String controller : CONTROLLERS) {
        if (!List.of(enabled.split(" ")).contains(controller)) {
          CgroupFiles.write(null, level.resolve("cgroup.subtree_control"), "+" + controller);
        }
      }
    }
  }

  @Override
  public void create(String containerId) {
    prepare();
    CgroupFiles.mkdirs(containerId, dir(containerId));
  }

  @Override
  public void apply(String id, Limits limits) {
    Path dir = dir(id);
    CgroupFiles.write(id, dir.resolve("memory.max"), Long.toString(limits.memoryMiB() * 1048576L));
    if (Files.exists(dir.resolve("memory.swap.max"))) {
      CgroupFiles.write(id, dir.resolve("memory.swap.max"), "0");
    }
    CgroupFiles.write(
        id,
        dir.resolve("cpu.max"),
        CgroupsV1.quotaMicros(limits.cpuMillis()) + " " + CPU_PERIOD_MICROS);
    // The default weight: a stem cell started at the lowest while it waited.
    if (Files.exists(dir.resolve("cpu.weight"))) {
      CgroupFiles.write(id, dir.resolve("cpu.weight"), "100");
    }
    CgroupFiles.write(id, dir.resolve("pids.max"), Integer.toString(limits.pids()));
  }

  @Override
  public CgroupStats stats(String id) {
    Path dir = dir(id);
    Path peak = dir.resolve("memory.peak");
    return new CgroupStats(
        CgroupFiles.readLong(id, dir.resolve("memory.current")),
        Files.exists(peak) ? CgroupFiles.readLong(id, peak) : -1,
        CgroupFiles.readKeyed(id, dir.resolve("cpu.stat"), "usage_usec").orElse(0) * 1000,
        CgroupFiles.readLong(id, dir.resolve("pids.current")),
        CgroupFiles.readKeyed(id, dir.resolve("memory.events"), "oom_kill").orElse(0));
  }

  @Override
  public boolean exists(String containerId) {
    return Files.isDirectory(dir(containerId));
  }

  @Override
  public List<String> list() {
    return CgroupFiles.children(root.resolve(subtree)).stream().sorted().toList();
  }

  @Override
  public void killAll(String id) {
    Path dir = dir(id);
    Path procs = dir.resolve("cgroup.procs");
    boolean hasKill = Files.exists(dir.resolve("cgroup.kill"));
    long deadline = System.currentTimeMillis() + CgroupFiles.WAIT_MILLIS;
    List<Long> pids = CgroupFiles.pids(procs);
    while (!pids.isEmpty()) {
      if (System.currentTimeMillis() > deadline) {
        throw new CgroupException(
            id, procs, "cannot kill the processes of container " + id + ": " + pids, null);
      }
      if (hasKill) {
        // Linux 5.14+: the kernel kills every task, including ones forked meanwhile.
        CgroupFiles.write(id, dir.resolve("cgroup.kill"), "1");
      } else {
        CgroupFiles.write(id, dir.resolve("cgroup.freeze"), "1");
        CgroupFiles.sigkill(CgroupFiles.pids(procs));
        CgroupFiles.write(id, dir.resolve("cgroup.freeze"), "0");
      }
      CgroupFiles.pause(5);
      pids = CgroupFiles.pids(procs);
    }
  }

  @Override
  public void remove(String id) {
    CgroupFiles.rmdir(id, dir(id));
  }

  @Override
  public List<Long> processes(String id) {
    return CgroupFiles.pids(dir(id).resolve("cgroup.procs"));
  }

  @Override
  public void removeSubtree() {
    Path dir = root.resolve(subtree);
    if (Files.isDirectory(dir) && CgroupFiles.children(dir).isEmpty()) {
      CgroupFiles.rmdir(null, dir);
    }
  }
}
