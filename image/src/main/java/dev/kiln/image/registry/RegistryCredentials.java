package dev.kiln.image.registry;

import java.util.Map;
import java.util.Optional;

/**
 * A user name and password (or token) for one registry, used for Basic auth and to obtain bearer
 * tokens.
 *
 * @param username the user name; never blank
 * @param password the password or access token
 */
public record RegistryCredentials(String username, String password) {

  /** Environment variable holding the registry user name. */
  public static final String USER_ENV = "KILN_REGISTRY_USER";

  /** Environment variable holding the registry password. */
  public static final String PASSWORD_ENV = "KILN_REGISTRY_PASSWORD";

  public RegistryCredentials {
    if (username == null || username.isBlank()) {
      throw new IllegalArgumentException("registry user name is empty");
    }
    if (password == null) {
      throw new IllegalArgumentException("registry password is missing for user " + username);
    }
  }

  /**
   * Credentials from {@code KILN_REGISTRY_USER} and {@code KILN_REGISTRY_PASSWORD}, if both are
   * set.
   *
   * @throws IllegalArgumentException if only one of them is set
   */
  public static Optional<RegistryCredentials> fromEnvironment(Map<String, String> env) {
    String user = env.get(USER_ENV);
    String password = env.get(PASSWORD_ENV);
    boolean hasUser = user != null && !user.isBlank();
    boolean hasPassword = password != null && !password.isEmpty();
    if (hasUser != hasPassword) {
      throw new IllegalArgumentException(
          "set both " + USER_ENV + " and " + PASSWORD_ENV + ", or neither");
    }
    return hasUser ? Optional.of(new RegistryCredentials(user, password)) : Optional.empty();
  }

  /** Credentials from this process's environment; see {@link #fromEnvironment(Map)}. */
  public static Optional<RegistryCredentials> fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "RegistryCredentials[username=" + username + ", password=****]";
  }
}
