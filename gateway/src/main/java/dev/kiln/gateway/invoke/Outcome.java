package dev.kiln.gateway.invoke;

import dev.kiln.common.node.InvocationResult;
import dev.kiln.scheduler.api.TooManyRequestsException;
import java.util.Locale;

/** How an invocation ended, as metrics and the recent-invocations list name it. */
public enum Outcome {
  /** The function answered. */
  OK,
  /** The function raised an error or its runner crashed. */
  FUNCTION_ERROR,
  /** It ran past its deadline. */
  TIMEOUT,
  /** Its container ran out of memory. */
  OUT_OF_MEMORY,
  /** The node did not run it. */
  REJECTED,
  /** The function was at its maxScale with a full queue (429). */
  THROTTLED,
  /** Kiln could not run it: no node, a node lost or failing. */
  SCHEDULER_ERROR;

  /** The label value: {@code ok}, {@code function_error}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The outcome of a result. */
  static Outcome of(InvocationResult result) {
    if (result instanceof InvocationResult.Ok) {
      return OK;
    } else if (result instanceof InvocationResult.FunctionError) {
      return FUNCTION_ERROR;
    } else if (result instanceof InvocationResult.Timeout) {
      return TIMEOUT;
    } else if (result instanceof InvocationResult.OutOfMemory) {
      return OUT_OF_MEMORY;
    }
    return REJECTED;
  }

  /** The outcome of a call the scheduler refused or failed. */
  static Outcome of(RuntimeException e) {
    return e instanceof TooManyRequestsException ? THROTTLED : SCHEDULER_ERROR;
  }
}
