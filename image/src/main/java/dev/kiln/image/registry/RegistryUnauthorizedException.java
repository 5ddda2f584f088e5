package dev.kiln.image.registry;

/** The registry wants credentials Kiln does not have, or refused the ones it sent. */
public final class RegistryUnauthorizedException extends RegistryException {

  /**
   * A 401 or 403 answer.
   *
   * @param credentialsSent whether Kiln had credentials for this registry
   */
  public RegistryUnauthorizedException(
      String registry,
      String repository,
      String action,
      int status,
      boolean credentialsSent,
      String registryMessage) {
    super(
        message(registry, repository, action, status, credentialsSent),
        registry,
        repository,
        action,
        status,
        registryMessage,
        null);
  }

  private static String message(
      String registry, String repository, String action, int status, boolean credentialsSent) {
    String where = "registry " + registry;
    String what = " for repository " + repository + " (" + status + ") while " + action;
    if (status == 403) {
      return where
          + " denied access"
          + what
          + ": the credentials in "
          + RegistryCredentials.USER_ENV
          + " lack permission for this repository";
    }
    if (credentialsSent) {
      return where
          + " refused credentials"
          + what
          + ": check "
          + RegistryCredentials.USER_ENV
          + "/"
          + RegistryCredentials.PASSWORD_ENV;
    }
    return where
        + " requires credentials"
        + what
        + ": set "
        + RegistryCredentials.USER_ENV
        + "/"
        + RegistryCredentials.PASSWORD_ENV;
  }
}
