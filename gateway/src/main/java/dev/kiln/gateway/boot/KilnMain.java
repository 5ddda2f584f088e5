package dev.kiln.gateway.boot;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts a Kiln process: first what Quarkus needs before it can start (the embedded PostgreSQL when
 * no {@code KILN_DB_URL} is given, the checks a runtime node needs), then Quarkus with the roles
 * from {@code kiln.roles}.
 */
@QuarkusMain
public final class KilnMain {

  /**
   * Held so the level set below sticks until Quarkus configures logging: zonky logs every line of
   * initdb and the server at INFO, which would bury the lines a user needs.
   */
  private static final java.util.logging.Logger ZONKY =
      java.util.logging.Logger.getLogger("io.zonky");

  private KilnMain() {}

  /** Runs Kiln until it is stopped (Ctrl-C or SIGTERM). */
  public static void main(String... args) {
    PrintStream out = System.out;
    BootSettings boot;
    try {
      boot = BootSettings.from(System.getenv(), System.getProperties());
    } catch (IllegalArgumentException e) {
      System.err.println("kiln: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (boot.roles().contains(Role.NODE)) {
      checkNodePrerequisites(out);
    }
    EmbeddedDatabase db = null;
    ZONKY.setLevel(java.util.logging.Level.WARNING);
    try {
      if (!Role.needsDatabase(boot.roles())) {
        // A lone node keeps no state in PostgreSQL.
        System.setProperty("quarkus.datasource.active", "false");
        System.setProperty("quarkus.hibernate-orm.active", "false");
        System.setProperty("quarkus.flyway.active", "false");
      } else if (boot.dbUrl().isPresent()) {
        DatabaseUrl url = DatabaseUrl.parse(boot.dbUrl().get());
        System.setProperty("kiln.db.url", url.jdbcUrl());
        url.user().ifPresent(u -> System.setProperty("kiln.db.user", u));
        url.password().ifPresent(p -> System.setProperty("kiln.db.password", p));
      } else {
        Path data = boot.dataDir().toAbsolutePath();
        db =
            EmbeddedDatabase.start(
                data.resolve("postgres"), boot.embeddedPort(), data.resolve("postgres.port"));
        out.printf("kiln: embedded PostgreSQL on port %d, data in %s%n", db.port(), db.dataDir());
        System.setProperty("kiln.db.url", db.jdbcUrl());
        System.setProperty("kiln.db.user", EmbeddedDatabase.USER);
      }
      Quarkus.run(args);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("kiln: " + e.getMessage());
      System.exit(1);
    } finally {
      if (db != null) {
        db.close();
      }
    }
  }

  /** Prints what the node lacks, installing runc first when that is allowed and needed. */
  static void checkNodePrerequisites(PrintStream out) {
    Prerequisites.Host host = Prerequisites.system();
    RuncInstaller.Decision decision =
        RuncInstaller.decide(
            Prerequisites.ociRuntime(host).isPresent(),
            host.isRoot(),
            host.onPath("apt-get").isPresent());
    if (decision == RuncInstaller.Decision.INSTALL && RuncInstaller.install(out)) {
      out.println("kiln: installed runc");
    }
    List<Prerequisites.Missing> missing = Prerequisites.check(host);
    if (!missing.isEmpty()) {
      out.println("kiln: this machine cannot run function containers yet; missing:");
      for (Prerequisites.Missing m : missing) {
        out.println("  - " + m.what() + "\n      fix: " + m.fix());
      }
    }
  }
}
