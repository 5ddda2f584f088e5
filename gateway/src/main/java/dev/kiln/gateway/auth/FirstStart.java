package dev.kiln.gateway.auth;

import dev.kiln.gateway.boot.KilnConfig;
import dev.kiln.gateway.boot.PublicUrl;
import dev.kiln.gateway.boot.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import org.jboss.logging.Logger;

/**
 * On the first start of a control plane (no API key in the database), creates an admin key, prints
 * it once and saves it with the URL to {@code <data-dir>/cli.json} for the CLI.
 */
@ApplicationScoped
public class FirstStart {

  private static final Logger LOG = Logger.getLogger(FirstStart.class);

  /** An arbitrary constant: the advisory lock that makes concurrent first starts create one key. */
  private static final long LOCK_ID = 0x6b696c6e_6b657931L;

  private final KilnConfig config;
  private final ApiKeys keys;
  private final PublicUrl publicUrl;
  private final EntityManager em;

  FirstStart(KilnConfig config, ApiKeys keys, PublicUrl publicUrl, EntityManager em) {
    this.config = config;
    this.keys = keys;
    this.publicUrl = publicUrl;
    this.em = em;
  }

  void onStart(@Observes StartupEvent event) throws IOException {
    if (!Role.expand(config.roles()).contains(Role.GATEWAY)) {
      return;
    }
    ApiKeys.Created created = createIfNone();
    if (created == null) {
      return;
    }
    Path file = CliFile.write(config.dataDir(), publicUrl.url(), created.plain());
    System.out.println("Admin API key: " + created.plain());
    System.out.println(
        "  (shown once; saved with the URL " + publicUrl.url() + " to " + file + ")");
    LOG.infof("created the first admin API key %s", created.key().prefix);
  }

  private ApiKeys.Created createIfNone() {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              // pg_advisory_xact_lock returns void; counting its one row gives a plain bigint.
              em.createNativeQuery(
                      "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(" + LOCK_ID + ")) l")
                  .getSingleResult();
              if (ApiKey.count() > 0) {
                return null;
              }
              return keys.create("admin", EnumSet.of(Scope.ADMIN));
            });
  }
}
