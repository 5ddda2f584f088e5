package dev.kiln.node.cgroup;

/**
 * Resource usage of one container cgroup.
 *
 * @param memoryBytes memory in use now (v1 memory.usage_in_bytes, v2 memory.current)
 * @param memoryPeakBytes highest memory use seen (v1 memory.max_usage_in_bytes, v2 memory.peak), or
 *     -1 where the kernel does not report it
 * @param cpuUsageNanos CPU time used by all tasks (v1 cpuacct.usage, v2 cpu.stat usage_usec)
 * @param pids tasks in the cgroup now (pids.current)
 * @param oomKills how many tasks the kernel OOM killer has killed in this cgroup
 */
public record CgroupStats(
    long memoryBytes, long memoryPeakBytes, long cpuUsageNanos, long pids, long oomKills) {

  /** Whether the OOM killer has killed at least one task of this container. */
  public boolean outOfMemory() {
    return oomKills > 0;
  }
}
