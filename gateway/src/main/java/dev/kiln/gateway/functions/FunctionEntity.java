package dev.kiln.gateway.functions;

import dev.kiln.scheduler.api.ScalingPolicy;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;

/** A row of {@code functions}: a name, which version is current, and who may invoke it. */
@Entity
@Table(name = "functions")
public class FunctionEntity extends PanacheEntityBase {

  /** Database id. */
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  /** The function's name, unique, as in {@code /fn/<name>}. */
  public String name;

  /** The version invocations use. */
  @Column(name = "current_version")
  public Integer currentVersion;

  /** Whether anyone may invoke it without an API key. */
  @Column(name = "public")
  public boolean isPublic;

  /** Invocations one container serves at once. */
  public int concurrency = 1;

  /** Containers kept warm even when idle. */
  @Column(name = "min_scale")
  public int minScale;

  /** Most containers at once. */
  @Column(name = "max_scale")
  public int maxScale = 10;

  /** How long an idle container is kept, in seconds. */
  @Column(name = "keep_alive_seconds")
  public int keepAliveSeconds = 600;

  /** Calls that may wait once the function runs at its maxScale. */
  @Column(name = "queue_size")
  public int queueSize = 100;

  /** When it was first deployed. */
  public Instant created;

  /** When it last changed: a deploy, a rollback, a setting. */
  public Instant updated;

  /** Its scaling settings as the scheduler takes them. */
  public ScalingPolicy scaling() {
    return new ScalingPolicy(
        concurrency, minScale, maxScale, Duration.ofSeconds(keepAliveSeconds), queueSize);
  }

  /** The function named {@code name}, or null. */
  public static FunctionEntity findByName(String name) {
    return find("name", name).firstResult();
  }
}
