package dev.kiln.image.registry;

import java.io.IOException;
import java.util.Optional;

/**
 * A registry refused or failed a request. Carries the registry, the repository, what Kiln was
 * doing, the HTTP status (0 when the registry could not be reached) and the registry's own error
 * message.
 */
public class RegistryException extends IOException {

  private final String registry;
  private final String repository;
  private final String action;
  private final int status;
  private final String registryMessage;

  /**
   * A failure with a complete, user-facing message.
   *
   * @param message what went wrong and what to do
   * @param registry host[:port] of the registry
   * @param repository the repository, e.g. {@code fn/hello}
   * @param action what Kiln was doing, e.g. {@code pushing a blob}
   * @param status the HTTP status, or 0 if there was no answer
   * @param registryMessage the registry's {@code errors[].message}, or null
   * @param cause the underlying failure, or null
   */
  public RegistryException(
      String message,
      String registry,
      String repository,
      String action,
      int status,
      String registryMessage,
      Throwable cause) {
    super(message, cause);
    this.registry = registry;
    this.repository = repository;
    this.action = action;
    this.status = status;
    this.registryMessage = registryMessage;
  }

  /** The registry's host[:port]. */
  public String registry() {
    return registry;
  }

  /** The repository the request was for. */
  public String repository() {
    return repository;
  }

  /** What Kiln was doing, e.g. {@code pushing a blob}. */
  public String action() {
    return action;
  }

  /** The HTTP status of the last answer, or 0 if the registry never answered. */
  public int status() {
    return status;
  }

  /** The registry's own explanation, from its JSON error body. */
  public Optional<String> registryMessage() {
    return Optional.ofNullable(registryMessage);
  }
}
