package dev.kiln.gateway.functions;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.Immutable;

/**
 * A row of {@code function_versions}: one deployed version, never changed once written (the
 * database refuses updates, and so does Hibernate).
 */
@Entity
@Immutable
@Table(name = "function_versions")
public class FunctionVersion extends PanacheEntityBase {

  /** Database id. */
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  /** The function it belongs to. */
  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "function_id")
  public FunctionEntity function;

  /** 1, 2, 3, ... per function. */
  public int version;

  /** The function spec as JSON (see {@link SpecJson}). */
  @ColumnTransformer(write = "?::jsonb")
  public String spec;

  /** The image's name in the control plane's store, {@code <function>:<version>}. */
  @Column(name = "image_ref")
  public String imageRef;

  /** The image's manifest digest. */
  @Column(name = "image_digest")
  public String imageDigest;

  /** {@code archive} (built from code) or {@code image} (deployed from a reference). */
  public String source;

  /** When it was deployed. */
  public Instant created;

  /** Always true: versions never change. */
  public boolean immutable;

  /** The versions of {@code function}, oldest first. */
  public static List<FunctionVersion> of(FunctionEntity function) {
    return list("function = ?1 order by version", function);
  }

  /** Version {@code version} of {@code function}, or null. */
  public static FunctionVersion find(FunctionEntity function, int version) {
    return find("function = ?1 and version = ?2", function, version).firstResult();
  }
}
