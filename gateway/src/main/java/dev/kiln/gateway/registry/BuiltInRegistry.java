package dev.kiln.gateway.registry;

import dev.kiln.gateway.auth.ApiKey;
import dev.kiln.gateway.auth.ApiKeys;
import dev.kiln.gateway.auth.Scope;
import dev.kiln.gateway.boot.KilnConfig;
import dev.kiln.gateway.boot.Role;
import dev.kiln.gateway.images.ControlPlaneImages;
import dev.kiln.image.registry.RegistryHandler;
import dev.kiln.image.registry.RegistryRequest;
import dev.kiln.image.registry.RegistryResponse;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The control plane's OCI registry: {@link RegistryHandler} over the control plane's store, so
 * nodes pull function images from where they were built. Pulling needs any valid API key (unless
 * {@code kiln.registry.anonymous-pull}); pushing needs the admin or deploy scope. A key is sent as
 * {@code Authorization: Bearer kiln_...} or as the password of HTTP Basic (any user name), which is
 * what registry clients send after the {@code 401} Basic challenge.
 */
@ApplicationScoped
public class BuiltInRegistry {

  private final RegistryHandler handler;
  private final boolean enabled;

  BuiltInRegistry(ControlPlaneImages images, ApiKeys keys, KilnConfig config) {
    this.enabled = Role.expand(config.roles()).contains(Role.REGISTRY);
    boolean anonymousPull = config.registry().anonymousPull();
    this.handler =
        new RegistryHandler(
            images.store(),
            request -> {
              boolean read = request.method().equals("GET") || request.method().equals("HEAD");
              if (read && anonymousPull) {
                return true;
              }
              Optional<ApiKey> key = keyOf(request).flatMap(keys::authenticate);
              return key.isPresent() && (read || key.get().allows(Scope.DEPLOY));
            });
  }

  /** Whether this process serves the registry ({@code registry} role). */
  public boolean enabled() {
    return enabled;
  }

  /** Answers one registry request. */
  public RegistryResponse handle(RegistryRequest request) {
    return handler.handle(request);
  }

  /** The API key in a Bearer or Basic {@code Authorization} header. */
  static Optional<String> keyOf(RegistryRequest request) {
    Optional<String> header = request.header("Authorization").map(String::strip);
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String h = header.get();
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.of(h.substring(7).strip());
    }
    if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String decoded =
            new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon < 0 ? Optional.empty() : Optional.of(decoded.substring(colon + 1));
      } catch (IllegalArgumentException notBase64) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
