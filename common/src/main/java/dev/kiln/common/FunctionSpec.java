package dev.kiln.common;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a user declares about a function in {@code kiln.yaml}: everything but the code.
 *
 * @param name DNS-label-like name, used in URLs ({@code /fn/<name>})
 * @param runtime the language runtime
 * @param handler runtime-specific entry point: {@code handler.handle} (python module.function),
 *     {@code handler.handle} (node file.export), {@code com.example.Hello} (java class), or the
 *     executable's path for {@code binary}
 * @param limits resource limits
 * @param env environment variables passed to the function, sorted by name
 */
public record FunctionSpec(
    String name, Runtime runtime, String handler, Limits limits, Map<String, String> env) {

  private static final Pattern NAME = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public FunctionSpec {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name: '"
              + name
              + "' is not a valid function name (lowercase letters, digits and '-', starting"
              + " with a letter, at most 63 characters)");
    }
    if (runtime == null) {
      throw new IllegalArgumentException("runtime: missing");
    }
    if (handler == null || handler.isBlank()) {
      throw new IllegalArgumentException("handler: missing");
    }
    if (limits == null) {
      limits = Limits.DEFAULT;
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    if (env != null) {
      for (Map.Entry<String, String> e : env.entrySet()) {
        if (!ENV_NAME.matcher(e.getKey()).matches()) {
          throw new IllegalArgumentException(
              "env: '" + e.getKey() + "' is not a valid environment variable name");
        }
        if (e.getKey().startsWith("KILN_")) {
          throw new IllegalArgumentException(
              "env: '"
                  + e.getKey()
                  + "' uses the KILN_ prefix, which is reserved for the platform");
        }
        if (e.getValue() == null) {
          throw new IllegalArgumentException("env: '" + e.getKey() + "' has no value");
        }
        sorted.put(e.getKey(), e.getValue());
      }
    }
    env = java.util.Collections.unmodifiableSortedMap(sorted);
  }

  /** A spec with default limits and no environment. */
  public static FunctionSpec of(String name, Runtime runtime, String handler) {
    return new FunctionSpec(name, runtime, handler, Limits.DEFAULT, Map.of());
  }
}
