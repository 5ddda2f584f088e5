package dev.kiln.common.node;

/**
 * A node's identity, capacity and use.
 *
 * @param nodeId stable id of the node (kept in its data directory)
 * @param ociRuntime the OCI runtime in use, {@code runc} or {@code crun}
 * @param cgroupVersion 1 or 2
 * @param cpuMillis CPU capacity in millicores
 * @param memoryMiB memory capacity in MiB
 * @param containers containers running now
 * @param reservedCpuMillis CPU reserved by running containers' limits
 * @param reservedMemoryMiB memory reserved by running containers' limits
 */
public record NodeInfo(
    String nodeId,
    String ociRuntime,
    int cgroupVersion,
    int cpuMillis,
    long memoryMiB,
    int containers,
    int reservedCpuMillis,
    long reservedMemoryMiB) {}
