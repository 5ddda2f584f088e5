package dev.kiln.node.sys;

import java.io.IOException;

/**
 * A system call failed. The message names the call, what it was doing and the errno, e.g. {@code
 * mount overlay on /x failed: EINVAL (Invalid argument) (lowerdir count 3)}.
 */
public class NativeCallException extends IOException {
  private final int errno;

  /** A failure of {@code what} with {@code errno}; {@code detail} may be empty. */
  public NativeCallException(String what, int errno, String detail) {
    super(
        what
            + " failed: "
            + Errno.describe(errno)
            + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
    this.errno = errno;
  }

  /** The errno the call returned. */
  public int errno() {
    return errno;
  }
}
