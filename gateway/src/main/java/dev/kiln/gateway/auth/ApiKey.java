package dev.kiln.gateway.auth;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Set;

/** A row of {@code api_keys}: a key's name, scopes and sha256, never the key itself. */
@Entity
@Table(name = "api_keys")
public class ApiKey extends PanacheEntityBase {

  /** Database id. */
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  /** A name chosen by whoever created it, e.g. "ci". */
  public String name;

  /** The key's first characters, e.g. {@code kiln_AbC1x}, to recognise it in a listing. */
  public String prefix;

  /** sha256 of the key, lowercase hex. */
  public String hash;

  /** Comma-separated scopes; see {@link #scopeSet()}. */
  public String scopes;

  /** When it was created. */
  public Instant created;

  /** When it last authenticated a request (updated at most once a minute). */
  @Column(name = "last_used")
  public Instant lastUsed;

  /** When it was revoked, or null while valid. */
  public Instant revoked;

  /** The scopes as a set. */
  public Set<Scope> scopeSet() {
    return Scope.parseList(scopes);
  }

  /** Whether it has {@code scope}, or admin. */
  public boolean allows(Scope scope) {
    Set<Scope> s = scopeSet();
    return s.contains(Scope.ADMIN) || s.contains(scope);
  }
}
