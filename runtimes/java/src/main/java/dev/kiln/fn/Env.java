package dev.kiln.fn;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The function's environment variables.
 *
 * <p>A runner that is specialised by {@code POST /init} receives the function's variables after the
 * JVM has started, and Java cannot change its own process environment. Functions therefore read
 * variables through this class, which looks at the variables from {@code /init} first and then at
 * {@link System#getenv()}.
 */
public final class Env {

  private static volatile Map<String, String> overlay = Map.of();

  private Env() {}

  /** The value of a variable, or empty when it is not set. */
  public static Optional<String> get(String name) {
    String value = overlay.get(name);
    return Optional.ofNullable(value != null ? value : System.getenv(name));
  }

  /** The value of a variable, or {@code fallback} when it is not set. */
  public static String get(String name, String fallback) {
    return get(name).orElse(fallback);
  }

  /** All variables: the process environment overridden by those from {@code /init}. */
  public static Map<String, String> all() {
    Map<String, String> all = new HashMap<>(System.getenv());
    all.putAll(overlay);
    return Map.copyOf(all);
  }

  /**
   * Sets the variables received by {@code POST /init}, replacing any set before. The Kiln runner
   * calls this while it specialises, before the handler class is loaded; functions have no reason
   * to.
   *
   * @param variables the function's variables
   */
  public static void install(Map<String, String> variables) {
    overlay = Map.copyOf(variables);
  }
}
