package dev.kiln.node.sys;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** JNA mapping of the glibc functions the node calls. Types follow the x86-64/aarch64 LP64 ABI. */
interface CLib extends Library {
  CLib INSTANCE = Native.load("c", CLib.class);

  int mknod(String path, int mode, long dev);

  int lsetxattr(String path, String name, byte[] value, long size, int flags);

  long lgetxattr(String path, String name, byte[] value, long size);

  int lchown(String path, int uid, int gid);

  int chmod(String path, int mode);

  int utimensat(int dirfd, String path, long[] times, int flags);

  int mount(String source, String target, String fstype, long flags, String data);

  int umount2(String target, int flags);

  int open(String path, int flags);

  int close(int fd);

  long read(int fd, byte[] buffer, long count);

  String strerror(int errnum);

  long syscall(long number, Object... args);
}
