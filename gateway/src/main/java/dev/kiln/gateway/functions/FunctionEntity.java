package dev.kiln.gateway.functions;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
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

  /** When it was first deployed. */
  public Instant created;

  /** When it last changed: a deploy, a rollback, a setting. */
  public Instant updated;

  /** The function named {@code name}, or null. */
  public static FunctionEntity findByName(String name) {
    return find("name", name).firstResult();
  }
}
