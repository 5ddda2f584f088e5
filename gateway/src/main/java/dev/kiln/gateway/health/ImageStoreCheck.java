package dev.kiln.gateway.health;

import dev.kiln.gateway.images.ControlPlaneImages;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the image store is writable: builds and the registry need it. (The database
 * check comes with Quarkus's datasource health.)
 */
@Readiness
@ApplicationScoped
public class ImageStoreCheck implements HealthCheck {

  private final ControlPlaneImages images;

  ImageStoreCheck(ControlPlaneImages images) {
    this.images = images;
  }

  @Override
  public HealthCheckResponse call() {
    var root = images.store().root();
    return HealthCheckResponse.named("image-store")
        .status(Files.isDirectory(root) && Files.isWritable(root))
        .withData("path", root.toString())
        .build();
  }
}
