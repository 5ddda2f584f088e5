package dev.kiln.builder.base;

import dev.kiln.common.Runtime;
import java.io.IOException;

/** Assembling a base runtime from the host failed; the message says which input and what to do. */
public class BaseBuildException extends IOException {

  private final Runtime runtime;

  /** A failure while assembling the base of {@code runtime}. */
  public BaseBuildException(Runtime runtime, String message) {
    super(message);
    this.runtime = runtime;
  }

  /** A failure while assembling the base of {@code runtime}, caused by {@code cause}. */
  public BaseBuildException(Runtime runtime, String message, Throwable cause) {
    super(message, cause);
    this.runtime = runtime;
  }

  /** The runtime whose base could not be assembled. */
  public Runtime runtime() {
    return runtime;
  }
}
