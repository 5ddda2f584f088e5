/**
 * Thin, checked wrappers over the Linux system calls the node makes through JNA (no forking of
 * {@code mount}, {@code mknod} or {@code setfattr}). Internal to the node: the {@code image} and
 * {@code rootfs} packages use it; nothing outside the module should.
 */
package dev.kiln.node.sys;
