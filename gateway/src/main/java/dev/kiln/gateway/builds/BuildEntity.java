package dev.kiln.gateway.builds;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code builds}: one deploy from code, its status and its log. */
@Entity
@Table(name = "builds")
public class BuildEntity extends PanacheEntityBase {

  /** Random id, used in {@code /v1/builds/{id}}. */
  @Id public UUID id;

  /** The function being built. */
  @Column(name = "function_name")
  public String functionName;

  /** {@code running}, {@code succeeded} or {@code failed}. */
  public String status;

  /** The build's progress lines, written when it ends. */
  public String log;

  /** Why it failed, or null. */
  public String error;

  /** The version it made, once it succeeded. */
  public Integer version;

  /** When it started. */
  public Instant created;

  /** When it ended, or null while running. */
  public Instant finished;
}
