package dev.kiln.gateway.functions;

import dev.kiln.common.FunctionSpec;
import dev.kiln.gateway.boot.PublicUrl;
import dev.kiln.gateway.builds.Builds;
import dev.kiln.gateway.images.ControlPlaneImages;
import dev.kiln.gateway.problem.ApiException;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.scheduler.api.FunctionTarget;
import dev.kiln.scheduler.api.ScalingPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * Functions and their versions in the database, and their names in the image store. Other parts of
 * the gateway (invocation) look functions up here.
 */
@ApplicationScoped
public class Functions {

  private final EntityManager em;
  private final ControlPlaneImages images;
  private final PublicUrl publicUrl;
  private final Builds builds;
  private final Event<FunctionChanged> changes;
  private final Event<FunctionAccessChanged> accessChanges;

  Functions(
      EntityManager em,
      ControlPlaneImages images,
      PublicUrl publicUrl,
      Builds builds,
      Event<FunctionChanged> changes,
      Event<FunctionAccessChanged> accessChanges) {
    this.em = em;
    this.images = images;
    this.publicUrl = publicUrl;
    this.builds = builds;
    this.changes = changes;
    this.accessChanges = accessChanges;
  }

  /**
   * What invoking a function needs.
   *
   * @param function the function's row (detached)
   * @param target its current version as the scheduler serves it
   */
  public record Invocable(FunctionEntity function, FunctionTarget target) {}

  /** The function {@code name} for invoking it; 404 when there is none or it has no version. */
  @Transactional
  public Invocable invocable(String name) {
    FunctionEntity f = get(name);
    FunctionTarget target = FunctionChanged.targetOf(f, current(f));
    if (target == null) {
      throw ApiException.notFound("function '" + name + "' has no version yet");
    }
    return new Invocable(f, target);
  }

  /** What the scheduler should serve: the current version of every function that has one. */
  @Transactional
  public List<FunctionTarget> targets() {
    List<FunctionEntity> all = FunctionEntity.list("currentVersion is not null order by name");
    return all.stream().map(f -> FunctionChanged.targetOf(f, current(f))).toList();
  }

  /**
   * Changes how a function's containers scale; settings not given keep their values. The whole
   * policy is checked before anything is stored.
   */
  @Transactional
  public Views.FunctionView setScaling(String name, Views.Scaling scaling) {
    FunctionEntity f = lock(name);
    applyScaling(f, scaling);
    f.updated = Instant.now();
    changed(f);
    return view(f);
  }

  /** Applies {@code scaling} to {@code f} after checking the resulting policy. */
  static void applyScaling(FunctionEntity f, Views.Scaling scaling) {
    if (scaling == null) {
      return;
    }
    int concurrency = scaling.concurrency() != null ? scaling.concurrency() : f.concurrency;
    int minScale = scaling.minScale() != null ? scaling.minScale() : f.minScale;
    int maxScale = scaling.maxScale() != null ? scaling.maxScale() : f.maxScale;
    int keepAlive =
        scaling.keepAliveSeconds() != null ? scaling.keepAliveSeconds() : f.keepAliveSeconds;
    int queueSize = scaling.queueSize() != null ? scaling.queueSize() : f.queueSize;
    if (keepAlive < 1 || keepAlive > 86_400) {
      throw ApiException.badRequest(
          "scaling.keepAliveSeconds must be between 1 and 86400, got " + keepAlive);
    }
    try {
      new ScalingPolicy(
          concurrency, minScale, maxScale, java.time.Duration.ofSeconds(keepAlive), queueSize);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("scaling: " + e.getMessage());
    }
    f.concurrency = concurrency;
    f.minScale = minScale;
    f.maxScale = maxScale;
    f.keepAliveSeconds = keepAlive;
    f.queueSize = queueSize;
  }

  private void changed(FunctionEntity f) {
    changes.fire(new FunctionChanged(f.name, FunctionChanged.targetOf(f, current(f))));
  }

  /** The function named {@code name}; 404 if there is none. */
  @Transactional
  public FunctionEntity get(String name) {
    FunctionEntity f = FunctionEntity.findByName(name);
    if (f == null) {
      throw ApiException.notFound("there is no function named '" + name + "'");
    }
    return f;
  }

  /** The current version of {@code function}, or null while it has none. */
  @Transactional
  public FunctionVersion current(FunctionEntity function) {
    return function.currentVersion == null
        ? null
        : FunctionVersion.find(function, function.currentVersion);
  }

  /** Every function, by name. */
  @Transactional
  public List<Views.FunctionView> list() {
    List<FunctionEntity> all = FunctionEntity.list("order by name");
    return all.stream().map(this::view).toList();
  }

  /** One function. */
  @Transactional
  public Views.FunctionView describe(String name) {
    return view(get(name));
  }

  /** The versions of a function, oldest first. */
  @Transactional
  public List<Views.VersionView> versions(String name) {
    FunctionEntity f = get(name);
    return FunctionVersion.of(f).stream().map(v -> view(f, v, null)).toList();
  }

  /** One version of a function. */
  @Transactional
  public Views.VersionView version(String name, int version) {
    FunctionEntity f = get(name);
    return view(f, versionOf(f, version), null);
  }

  /**
   * Records a new version of {@code spec.name()} whose image is {@code manifest}, creating the
   * function on its first version, names the image {@code <name>:<version>} in the store and makes
   * the version current. Concurrent deploys of one function get consecutive numbers: the function
   * row is locked while the number is chosen.
   */
  @Transactional
  public Views.VersionView record(
      FunctionSpec spec, Descriptor manifest, String source, Views.BuildSummary build) {
    return record(spec, manifest, source, build, null);
  }

  /** As {@link #record(FunctionSpec, Descriptor, String, Views.BuildSummary)}, with scaling. */
  @Transactional
  public Views.VersionView record(
      FunctionSpec spec,
      Descriptor manifest,
      String source,
      Views.BuildSummary build,
      Views.Scaling scaling) {
    String name = spec.name();
    em.createNativeQuery("INSERT INTO functions (name) VALUES (?1) ON CONFLICT (name) DO NOTHING")
        .setParameter(1, name)
        .executeUpdate();
    FunctionEntity f =
        FunctionEntity.<FunctionEntity>find("name", name)
            .withLock(LockModeType.PESSIMISTIC_WRITE)
            .firstResult();
    Integer max =
        em.createQuery(
                "select max(v.version) from FunctionVersion v where v.function = ?1", Integer.class)
            .setParameter(1, f)
            .getSingleResult();
    int next = max == null ? 1 : max + 1;
    FunctionVersion v = new FunctionVersion();
    v.function = f;
    v.version = next;
    v.spec = SpecJson.write(spec);
    v.imageRef = name + ":" + next;
    v.imageDigest = manifest.digest().toString();
    v.source = source;
    v.created = Instant.now();
    v.immutable = true;
    v.persist();
    try {
      images.store().tag(v.imageRef, manifest);
    } catch (IOException e) {
      throw new UncheckedIOException("could not name image " + v.imageRef + " in the store", e);
    }
    applyScaling(f, scaling);
    f.currentVersion = next;
    f.updated = v.created;
    changes.fire(new FunctionChanged(name, FunctionChanged.targetOf(f, v)));
    return view(f, v, build);
  }

  /** Makes {@code version} current. */
  @Transactional
  public Views.FunctionView rollback(String name, int version) {
    FunctionEntity f = lock(name);
    versionOf(f, version);
    f.currentVersion = version;
    f.updated = Instant.now();
    changed(f);
    return view(f);
  }

  /** Makes a function public or key-protected. */
  @Transactional
  public Views.FunctionView setPublic(String name, boolean isPublic) {
    FunctionEntity f = lock(name);
    f.isPublic = isPublic;
    f.updated = Instant.now();
    accessChanges.fire(new FunctionAccessChanged(name));
    return view(f);
  }

  /**
   * Deletes a function and its versions, and removes their names from the store (the blobs go at
   * the next garbage collection). 409 while a build of it runs.
   */
  @Transactional
  public void delete(String name) {
    if (builds.isRunning(name)) {
      throw ApiException.conflict(
          "a build of '" + name + "' is running; delete the function once it has finished");
    }
    FunctionEntity f = lock(name);
    List<FunctionVersion> versions = FunctionVersion.of(f);
    // function_versions rows go with it: ON DELETE CASCADE.
    f.delete();
    changes.fire(FunctionChanged.deleted(name));
    for (FunctionVersion v : versions) {
      try {
        images.store().untag(v.imageRef);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "could not remove image " + v.imageRef + " from the store", e);
      }
    }
  }

  private FunctionEntity lock(String name) {
    FunctionEntity f =
        FunctionEntity.<FunctionEntity>find("name", name)
            .withLock(LockModeType.PESSIMISTIC_WRITE)
            .firstResult();
    if (f == null) {
      throw ApiException.notFound("there is no function named '" + name + "'");
    }
    return f;
  }

  private static FunctionVersion versionOf(FunctionEntity f, int version) {
    FunctionVersion v = FunctionVersion.find(f, version);
    if (v == null) {
      throw ApiException.notFound(
          "function '"
              + f.name
              + "' has no version "
              + version
              + (f.currentVersion == null ? "" : " (its latest is " + latest(f) + ")"));
    }
    return v;
  }

  private static int latest(FunctionEntity f) {
    return FunctionVersion.of(f).stream().mapToInt(v -> v.version).max().orElse(0);
  }

  private Views.FunctionView view(FunctionEntity f) {
    FunctionVersion cur = current(f);
    String runtime = cur == null ? null : SpecJson.tree(cur.spec).path("runtime").asText(null);
    return new Views.FunctionView(
        f.name,
        f.currentVersion,
        f.isPublic,
        url(f.name),
        runtime,
        cur == null ? null : cur.imageRef,
        cur == null ? null : cur.imageDigest,
        new Views.Scaling(f.concurrency, f.minScale, f.maxScale, f.keepAliveSeconds, f.queueSize),
        f.created,
        f.updated);
  }

  private Views.VersionView view(FunctionEntity f, FunctionVersion v, Views.BuildSummary build) {
    return new Views.VersionView(
        f.name,
        v.version,
        f.currentVersion != null && f.currentVersion == v.version,
        SpecJson.tree(v.spec),
        v.imageRef,
        v.imageDigest,
        v.source,
        v.created,
        url(f.name),
        build);
  }

  private String url(String name) {
    return publicUrl.url() + "/fn/" + name;
  }
}
