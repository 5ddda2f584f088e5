/**
 * cgroups of function containers: limits, usage, OOM detection and cleanup, on cgroup v1 (legacy
 * and hybrid hosts) and cgroup v2 (unified hosts).
 *
 * <p>Entry point: {@link dev.kiln.node.cgroup.Cgroups#detect(String)}.
 */
package dev.kiln.node.cgroup;
