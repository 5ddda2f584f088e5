package dev.kiln.gateway.builds;

import dev.kiln.common.concurrent.DaemonThreads;
import dev.kiln.gateway.boot.KilnConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs builds, at most {@code kiln.deploy.concurrent-builds} at once, and keeps their progress: in
 * memory while they run and for a while after (for {@code /events}), in the {@code builds} table
 * for good.
 */
@ApplicationScoped
public class Builds {

  /** How long an ended build's events stay in memory. */
  static final Duration KEEP_ENDED = Duration.ofMinutes(10);

  private final Map<UUID, BuildProgress> live = new ConcurrentHashMap<>();
  private final ExecutorService executor;

  Builds(KilnConfig config) {
    this.executor =
        Executors.newFixedThreadPool(
            Math.max(1, config.deploy().concurrentBuilds()), DaemonThreads.numbered("kiln-build-"));
  }

  @PreDestroy
  void stop() {
    executor.shutdownNow();
  }

  /** Records a new running build of {@code function} and returns its progress. */
  public BuildProgress start(String function) {
    forgetEnded();
    UUID id = UUID.randomUUID();
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              BuildEntity b = new BuildEntity();
              b.id = id;
              b.functionName = function;
              b.status = "running";
              b.log = "";
              b.created = Instant.now();
              b.persist();
            });
    BuildProgress progress = new BuildProgress(id, function);
    live.put(id, progress);
    return progress;
  }

  /** Runs {@code work} on a build thread. */
  public <T> Future<T> submit(Callable<T> work) {
    return executor.submit(work);
  }

  /** Marks the build succeeded with {@code version} and tells its subscribers. */
  public void succeeded(BuildProgress progress, int version, String digest) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              BuildEntity b = BuildEntity.findById(progress.id());
              b.status = "succeeded";
              b.version = version;
              b.log = progress.log();
              b.finished = Instant.now();
            });
    progress.emit(
        new BuildEvent(
            "done", progress.function() + " version " + version + " " + digest, version, digest));
  }

  /** Marks the build failed because of {@code error} and tells its subscribers. */
  public void failed(BuildProgress progress, String error) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              BuildEntity b = BuildEntity.findById(progress.id());
              b.status = "failed";
              b.error = error;
              b.log = progress.log();
              b.finished = Instant.now();
            });
    progress.emit(BuildEvent.line("failed", error));
  }

  /** The progress of a build still in memory. */
  public Optional<BuildProgress> progress(UUID id) {
    return Optional.ofNullable(live.get(id));
  }

  /** Whether a build of {@code function} is running. */
  public boolean isRunning(String function) {
    return live.values().stream()
        .anyMatch(p -> p.function().equals(function) && p.endedAt() == null);
  }

  private void forgetEnded() {
    Instant cutoff = Instant.now().minus(KEEP_ENDED);
    live.values().removeIf(p -> p.endedAt() != null && p.endedAt().isBefore(cutoff));
  }
}
