package dev.kiln.common;

import java.time.Duration;

/**
 * Resource limits of one function container.
 *
 * @param memoryMiB memory limit in MiB (cgroup memory.max / memory.limit_in_bytes)
 * @param cpuMillis CPU quota in millicores (1000 = one core)
 * @param pids maximum number of processes and threads
 * @param timeout deadline of one invocation
 */
public record Limits(int memoryMiB, int cpuMillis, int pids, Duration timeout) {

  /** 128 MiB, half a core, 64 pids, 30 s. */
  public static final Limits DEFAULT = new Limits(128, 500, 64, Duration.ofSeconds(30));

  public Limits {
    if (memoryMiB < 16 || memoryMiB > 65536) {
      throw new IllegalArgumentException(
          "memory must be between 16 and 65536 MiB, got " + memoryMiB);
    }
    if (cpuMillis < 10 || cpuMillis > 64000) {
      throw new IllegalArgumentException(
          "cpu must be between 10 and 64000 millicores, got " + cpuMillis);
    }
    if (pids < 1 || pids > 32768) {
      throw new IllegalArgumentException("pids must be between 1 and 32768, got " + pids);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    if (timeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("timeout must be at most 1h, got " + timeout);
    }
  }

  /** The default limits with another memory size. */
  public static Limits ofMemoryMiB(int memoryMiB) {
    return new Limits(memoryMiB, DEFAULT.cpuMillis, DEFAULT.pids, DEFAULT.timeout);
  }

  /** These limits with another memory size. */
  public Limits withMemoryMiB(int value) {
    return new Limits(value, cpuMillis, pids, timeout);
  }

  /** These limits with another CPU quota. */
  public Limits withCpuMillis(int value) {
    return new Limits(memoryMiB, value, pids, timeout);
  }

  /** These limits with another pids limit. */
  public Limits withPids(int value) {
    return new Limits(memoryMiB, cpuMillis, value, timeout);
  }

  /** These limits with another invocation timeout. */
  public Limits withTimeout(Duration value) {
    return new Limits(memoryMiB, cpuMillis, pids, value);
  }
}
