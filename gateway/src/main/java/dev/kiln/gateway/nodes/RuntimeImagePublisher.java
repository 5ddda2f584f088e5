package dev.kiln.gateway.nodes;

import dev.kiln.builder.build.BuildListener;
import dev.kiln.common.Runtime;
import dev.kiln.gateway.boot.KilnConfig;
import dev.kiln.gateway.boot.Role;
import dev.kiln.gateway.images.ControlPlaneImages;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Makes sure the built-in registry serves {@code kiln/<runtime>:latest} for python, node and java:
 * the bare runtime images that joined nodes run as stem cells ({@code kiln node --join URL
 * --stem-cells python=2} pulls {@code URL/v2/kiln/python/manifests/latest}). Each is a Kilnfile of
 * only {@code FROM kiln/<runtime>} built into the control plane's store when the first node joins,
 * on a background thread, and only when the store lacks it (the in-process node builds those it
 * uses itself, at start-up). A node that asked before it was there retries its stem cells.
 */
@Singleton
public class RuntimeImagePublisher {

  private static final Logger LOG = Logger.getLogger(RuntimeImagePublisher.class);

  /** The runtimes stem cells exist for. */
  static final List<Runtime> RUNTIMES = List.of(Runtime.PYTHON, Runtime.NODE, Runtime.JAVA);

  private final ControlPlaneImages images;
  private final Set<Role> roles;
  private final AtomicBoolean started = new AtomicBoolean();

  RuntimeImagePublisher(ControlPlaneImages images, KilnConfig config) {
    this.images = images;
    this.roles = Role.expand(config.roles());
  }

  /** Starts building the missing runtime images, once per process; returns at once. */
  void nodeJoined() {
    if (!roles.contains(Role.REGISTRY)
        || !roles.contains(Role.BUILDER)
        || !started.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(this::publishMissing, "kiln-runtime-images");
    t.setDaemon(true);
    t.start();
  }

  /** Builds every runtime image the store lacks; failures are logged, never fatal. */
  void publishMissing() {
    for (Runtime runtime : RUNTIMES) {
      String name = "kiln/" + runtime.id() + ":latest";
      try {
        if (images.store().resolve(name).isPresent()) {
          continue;
        }
        Path dir = Files.createTempDirectory(images.scratch(), "runtime-");
        try {
          Files.writeString(dir.resolve("Kilnfile"), "FROM kiln/" + runtime.id() + "\n");
          images.builder().build(dir, name, BuildListener.NONE);
        } finally {
          Files.deleteIfExists(dir.resolve("Kilnfile"));
          Files.deleteIfExists(dir);
        }
        LOG.infof("Runtime image %s built for nodes' stem cells", name);
      } catch (IOException | RuntimeException e) {
        LOG.warnf(
            "Cannot build runtime image %s; nodes cannot keep %s stem cells: %s",
            name, runtime.id(), e.getMessage());
      }
    }
  }
}
