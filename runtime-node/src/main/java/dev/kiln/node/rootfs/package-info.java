/**
 * Container root filesystems: overlayfs with the image's cached layers as lower directories and a
 * per-container upper directory that is deleted with the container. Mounts are made through JNA
 * system calls, never by forking {@code mount}: the new mount API ({@code fsopen}, {@code fsconfig
 * "lowerdir+"} once per layer, {@code fsmount}, {@code move_mount}) so that the number of layers is
 * not bound by a page of mount options, and {@code mount(2)} where that API is missing.
 *
 * @see <a href="https://docs.kernel.org/filesystems/overlayfs.html">overlayfs</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/fsopen.2.html">fsopen(2)</a>
 */
package dev.kiln.node.rootfs;
