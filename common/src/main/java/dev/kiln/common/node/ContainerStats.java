package dev.kiln.common.node;

/**
 * Resource use of a container, read from its cgroup.
 *
 * @param memoryBytes memory in use
 * @param memoryPeakBytes highest memory use seen (0 where the kernel does not report it)
 * @param cpuNanos CPU time used
 * @param pids processes and threads
 * @param oomKills processes the kernel killed for exceeding the memory limit
 */
public record ContainerStats(
    long memoryBytes, long memoryPeakBytes, long cpuNanos, int pids, int oomKills) {}
