package dev.kiln.node.cgroup;

import dev.kiln.common.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The node's view of the cgroups of its containers.
 *
 * <p><b>Who does what.</b> The node owns one subtree (default {@value #DEFAULT_SUBTREE}): on cgroup
 * v1 {@code /sys/fs/cgroup/<controller>/kiln/<container-id>}, on cgroup v2 {@code
 * /sys/fs/cgroup/kiln/<container-id>}. The OCI runtime creates each container's cgroup and applies
 * its limits, because Kiln passes {@link #cgroupsPath(String)} as {@code linux.cgroupsPath} and the
 * limits as {@code linux.resources} in config.json: the limits are then in force before the
 * container's first instruction runs, and runc/crun remove the cgroup on {@code delete}. Kiln
 * itself {@linkplain #prepare() creates the parent}, reads usage and OOM kills from the same path,
 * {@linkplain #apply re-limits} a running container (a stem cell taking on a function), and after a
 * crash {@linkplain #list() finds}, {@linkplain #killAll kills} and {@linkplain #remove removes}
 * leftovers. {@link #create(String)} exists for processes Kiln places in a cgroup without an OCI
 * runtime.
 *
 * <p>Pick the implementation with {@link #detect(String)}: cgroup v2 where {@code
 * /sys/fs/cgroup/cgroup.controllers} exists, cgroup v1 otherwise (legacy and hybrid hosts).
 *
 * @see <a href="https://docs.kernel.org/admin-guide/cgroup-v2.html">cgroup v2</a>
 * @see <a href="https://docs.kernel.org/admin-guide/cgroup-v1/memory.html">cgroup v1 memory</a>
 */
public interface Cgroups {

  /** Name of the node's subtree when none is configured. */
  String DEFAULT_SUBTREE = "kiln";

  /** The CFS period Kiln uses for CPU quotas: 100 ms, so 1000 millicores = 100000 us. */
  long CPU_PERIOD_MICROS = 100_000;

  /**
   * Probes {@code /sys/fs/cgroup} and {@code /proc/self/mountinfo} for the host's layout.
   *
   * @param subtree name of the node's subtree, a single path element such as {@code kiln}
   * @throws IllegalStateException when no usable cgroup hierarchy is mounted
   */
  static Cgroups detect(String subtree) {
    return detect(Path.of("/sys/fs/cgroup"), Path.of("/proc/self/mountinfo"), subtree);
  }

  /**
   * Probes the given cgroup root and mount table; for hosts with cgroups mounted elsewhere and for
   * tests.
   *
   * @param root where cgroups are mounted, normally {@code /sys/fs/cgroup}
   * @param mountinfo the mount table, normally {@code /proc/self/mountinfo}
   * @param subtree name of the node's subtree
   */
  static Cgroups detect(Path root, Path mountinfo, String subtree) {
    if (subtree.isEmpty() || subtree.contains("/") || subtree.startsWith(".")) {
      throw new IllegalArgumentException("cgroup subtree must be one path element: " + subtree);
    }
    if (Files.exists(root.resolve("cgroup.controllers"))) {
      return new CgroupsV2(root, subtree);
    }
    return CgroupsV1.fromMountinfo(mountinfo, subtree);
  }

  /** 1 for cgroup v1 (legacy or hybrid), 2 for cgroup v2. */
  int version();

  /** The node's subtree name. */
  String subtree();

  /** The value for {@code linux.cgroupsPath} in config.json: {@code /<subtree>/<id>}. */
  default String cgroupsPath(String containerId) {
    return "/" + subtree() + "/" + CgroupFiles.checkId(containerId);
  }

  /**
   * Creates the node's subtree; on cgroup v2 also enables the memory, cpu and pids controllers for
   * it. Idempotent.
   */
  void prepare();

  /** Creates an empty cgroup for a container. Idempotent. */
  void create(String containerId);

  /**
   * Sets memory (without swap), CPU quota and pids limits on an existing container cgroup, and the
   * default CPU weight (a stem cell waits at the lowest).
   *
   * @throws CgroupException when the cgroup is missing or the kernel refuses a value
   */
  void apply(String containerId, Limits limits);

  /**
   * Reads usage and OOM kills of a container; read before {@code runc delete}, which removes the
   * cgroup.
   */
  CgroupStats stats(String containerId);

  /**
   * Whether the OOM killer has killed a task of this container, as a user-facing outcome.
   *
   * @param limitMiB the memory limit the container ran with, for the message
   */
  default Optional<OutOfMemory> outOfMemory(String containerId, int limitMiB) {
    long kills = stats(containerId).oomKills();
    return kills > 0 ? Optional.of(new OutOfMemory(limitMiB, kills)) : Optional.empty();
  }

  /** Whether a cgroup for this container exists under the node's subtree. */
  boolean exists(String containerId);

  /** Ids of all container cgroups under the node's subtree, sorted; for crash recovery. */
  List<String> list();

  /**
   * Kills every process in the container's cgroup and waits until it is empty: v2 writes {@code
   * cgroup.kill}; v1 freezes the cgroup, SIGKILLs every pid and thaws, until no pid is left.
   *
   * @throws CgroupException when processes are still there after a few seconds
   */
  void killAll(String containerId);

  /**
   * Pids of the processes in the container's cgroup; empty when none is left or the cgroup is gone.
   * One small file read: cheap enough to poll while a container starts.
   */
  List<Long> processes(String containerId);

  /**
   * Removes the node's subtree itself (in every v1 hierarchy) once no container cgroup is left in
   * it; a subtree that still has children is left alone.
   */
  void removeSubtree();

  /**
   * Removes the container's cgroup (in every v1 hierarchy), retrying briefly while exiting tasks
   * leave it. Does nothing when it does not exist.
   */
  void remove(String containerId);
}
