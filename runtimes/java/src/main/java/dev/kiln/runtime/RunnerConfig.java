package dev.kiln.runtime;

import java.nio.file.Path;
import java.util.Map;

/**
 * The runner's settings, read from {@code KILN_*} environment variables.
 *
 * @param socket path of the Unix socket to listen on ({@code KILN_SOCKET})
 * @param handler handler class to load at start-up, or {@code null} to wait for {@code /init}
 *     ({@code KILN_HANDLER})
 * @param codeDir code directory when none is given ({@code KILN_CODE_DIR})
 * @param maxBody largest request body accepted, in bytes ({@code KILN_MAX_BODY})
 */
record RunnerConfig(Path socket, String handler, Path codeDir, long maxBody) {

  static final String DEFAULT_SOCKET = "/run/kiln/fn.sock";
  static final String DEFAULT_CODE_DIR = "/opt/kiln/function";
  static final long DEFAULT_MAX_BODY = 6L * 1024 * 1024;

  /** Bodies are held in one array, so no limit may exceed what an array can hold. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  static RunnerConfig fromEnv(Map<String, String> env) {
    String handler = env.get("KILN_HANDLER");
    return new RunnerConfig(
        Path.of(env.getOrDefault("KILN_SOCKET", DEFAULT_SOCKET)),
        handler == null || handler.isBlank() ? null : handler.strip(),
        Path.of(env.getOrDefault("KILN_CODE_DIR", DEFAULT_CODE_DIR)),
        maxBody(env.get("KILN_MAX_BODY")));
  }

  private static long maxBody(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_MAX_BODY;
    }
    try {
      long bytes = Long.parseLong(value.strip());
      if (bytes > 0) {
        return Math.min(bytes, MAX_ARRAY);
      }
    } catch (NumberFormatException e) {
      // Reported below with the offending value.
    }
    throw new IllegalArgumentException(
        "KILN_MAX_BODY must be a positive number of bytes, got '" + value + "'");
  }
}
