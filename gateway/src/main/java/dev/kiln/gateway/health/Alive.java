package dev.kiln.gateway.health;

import dev.kiln.gateway.boot.KilnConfig;
import dev.kiln.gateway.boot.Role;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive as long as it answers; reports the roles this process takes. */
@Liveness
@ApplicationScoped
public class Alive implements HealthCheck {

  private final KilnConfig config;

  Alive(KilnConfig config) {
    this.config = config;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("kiln")
        .up()
        .withData(
            "roles",
            Role.expand(config.roles()).stream()
                .map(r -> r.name().toLowerCase(java.util.Locale.ROOT))
                .sorted()
                .collect(Collectors.joining(",")))
        .build();
  }
}
