package dev.kiln.node.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.http.HttpResponse;
import dev.kiln.common.node.InvocationResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Maps what happened on a container's socket to an {@link InvocationResult}, and words the messages
 * users read. Pure: the caller finds out about deadlines, OOM kills and logs.
 */
final class Results {
  /** The runner's mark on a response that reports a failure of the function's code. */
  static final String ERROR_HEADER = "X-Kiln-Error";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Results() {}

  /** The function answered: {@code Ok}, or {@code FunctionError} when the runner marked it so. */
  static InvocationResult answered(HttpResponse response, Duration took, LogTail logs) {
    List<String> marks = response.headers().get(ERROR_HEADER);
    if (marks != null && marks.contains("function")) {
      return new InvocationResult.FunctionError(
          response.status(),
          response.headers(),
          response.body(),
          errorMessage(response.body(), response.status()),
          logs.tail());
    }
    return new InvocationResult.Ok(response.status(), response.headers(), response.body(), took);
  }

  /** The call overran its deadline and the container was stopped. */
  static InvocationResult.Timeout timedOut(Duration limit, String message) {
    return new InvocationResult.Timeout(limit, message);
  }

  /**
   * The connection broke: the runner died. An OOM kill in its cgroup makes it {@code OutOfMemory};
   * otherwise it is the function's failure, with the end of its output.
   */
  static InvocationResult runnerGone(
      boolean outOfMemory, int memoryMiB, String memoryMessage, String logTail) {
    if (outOfMemory) {
      return new InvocationResult.OutOfMemory(memoryMiB, memoryMessage);
    }
    return new InvocationResult.FunctionError(
        502, Map.of(), new byte[0], "the function's runner exited: " + lastLine(logTail), logTail);
  }

  static String deadlineMessage(String function, Duration limit) {
    return "function '"
        + function
        + "' exceeded its deadline of "
        + format(limit)
        + "; the container was stopped";
  }

  static String memoryMessage(String function, int memoryMiB) {
    return "function '" + function + "' exceeded its memory limit of " + memoryMiB + " MiB";
  }

  /** {@code 2s}, {@code 1.5s}, {@code 250ms}, {@code 2m}, {@code 90s}. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms % 60_000 == 0) {
      return (ms / 60_000) + "m";
    }
    if (ms % 1000 == 0) {
      return (ms / 1000) + "s";
    }
    return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0).replace(".0s", "s");
  }

  /** The {@code error} field of a runner's JSON error body, or a status-based fallback. */
  static String errorMessage(byte[] body, int status) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && node.path("error").isTextual()) {
        return node.path("error").asText();
      }
    } catch (IOException notJson) {
      // fall through
    }
    return "the function failed with status " + status;
  }

  static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (!lines[i].isBlank()) {
        return lines[i].strip();
      }
    }
    return "no output";
  }

  /** Reads a container's log tail, only on the paths that need it. */
  @FunctionalInterface
  interface LogTail {
    String tail();
  }
}
