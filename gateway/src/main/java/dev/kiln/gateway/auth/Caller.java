package dev.kiln.gateway.auth;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * Who sent the current request: the API key it authenticated with, if any. Set by {@link
 * ApiKeyFilter}; other resources (invocation) inject it.
 */
@RequestScoped
public class Caller {

  private ApiKey key;

  /** The authenticated key, empty for an anonymous request. */
  public Optional<ApiKey> key() {
    return Optional.ofNullable(key);
  }

  void authenticated(ApiKey value) {
    this.key = value;
  }
}
