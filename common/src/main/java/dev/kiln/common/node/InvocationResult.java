package dev.kiln.common.node;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How an invocation ended. Failures of the function are results; failures of Kiln are exceptions.
 */
public sealed interface InvocationResult {

  /** The function answered (any status it chose, 5xx included, unless it signalled an error). */
  record Ok(int status, Map<String, List<String>> headers, byte[] body, Duration took)
      implements InvocationResult {}

  /**
   * The function failed: its handler raised an error ({@code X-Kiln-Error: function}), or its
   * runner crashed. {@code logTail} holds the end of its output, to say why.
   */
  record FunctionError(
      int status, Map<String, List<String>> headers, byte[] body, String message, String logTail)
      implements InvocationResult {}

  /** The call overran its deadline; the container was killed. */
  record Timeout(Duration limit, String message) implements InvocationResult {}

  /** The container exceeded its memory limit and was killed by the kernel. */
  record OutOfMemory(int limitMiB, String message) implements InvocationResult {}

  /** The call was not run: the container was busy, stopped or unknown. */
  record Rejected(String reason) implements InvocationResult {}
}
