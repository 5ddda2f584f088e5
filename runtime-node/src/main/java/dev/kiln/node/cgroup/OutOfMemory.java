package dev.kiln.node.cgroup;

/**
 * The kernel OOM killer killed a task of a container because it reached its memory limit.
 *
 * @param limitMiB the container's memory limit
 * @param oomKills how many tasks were killed
 */
public record OutOfMemory(int limitMiB, long oomKills) {

  /** What a user reads: {@code out of memory: limit 64 MiB}. */
  public String message() {
    return "out of memory: limit " + limitMiB + " MiB";
  }
}
