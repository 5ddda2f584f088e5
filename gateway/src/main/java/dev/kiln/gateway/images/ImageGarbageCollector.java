package dev.kiln.gateway.images;

import dev.kiln.common.concurrent.DaemonThreads;
import dev.kiln.image.store.GcResult;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Removes the blobs of the control plane's store that no named image reaches any more: the versions
 * of deleted functions, replaced runtime images, layers a build made but never named. Runs every
 * {@link #INTERVAL}, keeping blobs younger than {@link #GRACE} (a build in progress writes its
 * blobs before it names its image), and on demand ({@code POST /v1/images/gc}).
 */
@ApplicationScoped
public class ImageGarbageCollector {
  /** How often the store is collected. */
  static final Duration INTERVAL = Duration.ofHours(1);

  /** Unreferenced blobs younger than this are kept. */
  static final Duration GRACE = Duration.ofHours(1);

  private static final Logger LOG = Logger.getLogger(ImageGarbageCollector.class);

  private final ControlPlaneImages images;
  private ScheduledExecutorService timer;

  ImageGarbageCollector(ControlPlaneImages images) {
    this.images = images;
  }

  void onStart(@Observes StartupEvent event) {
    timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("kiln-image-gc"));
    timer.scheduleWithFixedDelay(
        this::collectQuietly, INTERVAL.toMinutes(), INTERVAL.toMinutes(), TimeUnit.MINUTES);
  }

  void onStop(@Observes ShutdownEvent event) {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  /** Collects now, keeping unreferenced blobs younger than {@code grace}. */
  public GcResult collect(Duration grace) throws IOException {
    GcResult result = images.store().gc(grace);
    if (result.blobsRemoved() > 0) {
      LOG.infof(
          "Image store: removed %d unreferenced blob(s), %d bytes; %d kept",
          result.blobsRemoved(), result.bytesFreed(), result.blobsKept());
    }
    return result;
  }

  private void collectQuietly() {
    try {
      collect(GRACE);
    } catch (IOException | RuntimeException e) {
      LOG.warnf("Image store garbage collection failed: %s", e.getMessage());
    }
  }
}
