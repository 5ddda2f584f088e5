package dev.kiln.gateway.boot;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The few settings {@link KilnMain} needs before Quarkus (and its configuration) starts, read the
 * way Quarkus reads them: a system property ({@code -Dkiln.db.url=...}) wins over the environment
 * variable ({@code KILN_DB_URL}). They mean the same as in {@link KilnConfig}.
 *
 * @param roles the concrete roles
 * @param dataDir the data directory
 * @param dbUrl an external database's URL, if given
 * @param embeddedPort the embedded server's port, 0 for a remembered or free one
 */
public record BootSettings(
    Set<Role> roles, Path dataDir, Optional<String> dbUrl, int embeddedPort) {

  /** Reads the settings from {@code env} and {@code props}. */
  public static BootSettings from(Map<String, String> env, Properties props) {
    Set<Role> roles = Role.parseList(get(env, props, "kiln.roles").orElse("all"));
    Path dataDir =
        Path.of(
            get(env, props, "kiln.data-dir")
                .orElse(props.getProperty("user.home", ".") + "/.kiln"));
    Optional<String> dbUrl = get(env, props, "kiln.db.url");
    int port;
    try {
      port = Integer.parseInt(get(env, props, "kiln.db.embedded-port").orElse("0"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("KILN_DB_EMBEDDED_PORT must be a port number", e);
    }
    return new BootSettings(roles, dataDir, dbUrl, port);
  }

  private static Optional<String> get(Map<String, String> env, Properties props, String key) {
    String value = props.getProperty(key);
    if (value == null) {
      value = env.get(envName(key));
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  /** {@code kiln.db.url} → {@code KILN_DB_URL}, as MicroProfile Config maps names. */
  static String envName(String key) {
    return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
  }
}
