package dev.kiln.scheduler.pool;

import dev.kiln.common.node.InvocationResult;
import dev.kiln.scheduler.api.StopReason;

/** What a call's result means for its container. */
enum Verdict {
  /** The container is fine: serve the next call with it. */
  KEEP,
  /** The node killed it (deadline, memory) or its runner exited: forget it. */
  DROP_FAILED,
  /**
   * The node did not run the call on it (busy, stopped or unknown container), or failed the call:
   * forget the container.
   */
  DROP_NODE_ERROR;

  /**
   * How the node engine words a {@code FunctionError} whose runner process exited (the connection
   * broke): the container is gone, unlike after an error raised by the handler.
   */
  static final String RUNNER_EXITED = "the function's runner exited";

  static Verdict of(InvocationResult result) {
    if (result instanceof InvocationResult.Ok) {
      return KEEP;
    }
    if (result instanceof InvocationResult.FunctionError error) {
      return error.message() != null && error.message().startsWith(RUNNER_EXITED)
          ? DROP_FAILED
          : KEEP;
    }
    if (result instanceof InvocationResult.Rejected) {
      return DROP_NODE_ERROR;
    }
    return DROP_FAILED;
  }

  StopReason stopReason() {
    return this == DROP_NODE_ERROR ? StopReason.NODE_ERROR : StopReason.FAILED;
  }
}
