package dev.kiln.node.rootfs;

import java.nio.file.Path;

/**
 * One line of {@code /proc/self/mountinfo}.
 *
 * @param id the mount's unique id
 * @param parentId the id of the mount it sits on
 * @param mountPoint where it is mounted, unescaped
 * @param fsType filesystem type, e.g. {@code overlay}
 * @param source the mount source, e.g. {@code kiln-<container id>}
 * @param superOptions per-superblock options, e.g. {@code lowerdir=...}
 * @see <a href="https://man7.org/linux/man-pages/man5/proc_pid_mountinfo.5.html">mountinfo(5)</a>
 */
public record MountInfo(
    int id, int parentId, Path mountPoint, String fsType, String source, String superOptions) {}
