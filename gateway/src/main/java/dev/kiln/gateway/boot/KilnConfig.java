package dev.kiln.gateway.boot;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Kiln's settings, under the prefix {@code kiln}. Each also comes from an environment variable:
 * {@code kiln.db.url} from {@code KILN_DB_URL}, {@code kiln.data-dir} from {@code KILN_DATA_DIR}.
 */
@ConfigMapping(prefix = "kiln")
public interface KilnConfig {

  /**
   * The roles this process takes, comma-separated: {@code gateway}, {@code scheduler}, {@code
   * builder}, {@code node}, {@code registry}, or {@code all}.
   */
  @WithDefault("all")
  Set<Role> roles();

  /**
   * Where Kiln keeps its state: the image store ({@code images/}), the embedded PostgreSQL ({@code
   * postgres/}), build scratch space ({@code tmp/}) and the CLI's credentials ({@code cli.json}).
   */
  @WithDefault("${user.home}/.kiln")
  Path dataDir();

  /**
   * The URL clients reach this control plane at, written to {@code cli.json} and shown in function
   * URLs. Default: {@code http://localhost:<quarkus.http.port>}.
   */
  Optional<String> publicUrl();

  /** The database. */
  Db db();

  /** HTTP limits. */
  Http http();

  /** Deploying functions from archives. */
  Deploy deploy();

  /** The built-in registry and pulls from other registries. */
  Registry registry();

  /** The scheduler (role {@code scheduler}). */
  Scheduler scheduler();

  /** The in-process runtime node (role {@code node}). */
  Node node();

  /** Invocations over HTTP. */
  Invoke invoke();

  /** Asynchronous invocations. */
  Async async();

  /** Scheduler settings, mapped onto {@code dev.kiln.scheduler.api.SchedulerConfig}. */
  interface Scheduler {
    /** How often nodes send heartbeats; the in-process node heartbeats at this rate. */
    @WithDefault("2s")
    Duration heartbeatInterval();

    /** Silence after which a node is lost, its containers dropped and its calls failed. */
    @WithDefault("6s")
    Duration heartbeatTimeout();

    /**
     * How often the scheduler looks for lost nodes, idle containers past their keep-alive and
     * functions below their minScale.
     */
    @WithDefault("1s")
    Duration maintenanceInterval();

    /** How long past an invocation's deadline the scheduler waits for a node to answer. */
    @WithDefault("2s")
    Duration deadlineMargin();

    /** How long a node that failed a start or an invocation is placed after healthy ones. */
    @WithDefault("10s")
    Duration nodeFailureCooldown();

    /** Threads that start containers for scale-up. */
    @WithDefault("4")
    int startThreads();
  }

  /** Settings of the runtime node that runs in this process. */
  interface Node {
    /**
     * The node's id, 1-41 of {@code [a-z0-9-]}; it names the node's cgroup subtree. Default: {@code
     * local-} and a short hash of the data directory, stable across restarts.
     */
    Optional<String> id();

    /**
     * Stem cells to keep ready per runtime, such as {@code python=1,node=1,java=1}; {@code 0}
     * disables them. The bare runtime images they run are built at start-up into the image store as
     * {@code kiln/<runtime>:latest}.
     */
    @WithDefault("python=1,node=1,java=1")
    String stemCells();
  }

  /** HTTP invocation settings. */
  interface Invoke {
    /** The largest request body an invocation may carry; larger ones get 413. */
    @WithDefault("6M")
    MemorySize maxBodySize();
  }

  /** Settings of asynchronous invocations, queued in PostgreSQL. */
  interface Async {
    /** Threads that run queued invocations; 0 runs none in this process. */
    @WithDefault("4")
    int workers();

    /** How often an idle worker looks for queued invocations. */
    @WithDefault("250ms")
    Duration pollInterval();

    /**
     * How long a claimed invocation belongs to its worker beyond the function's timeout; after that
     * another process takes it again (the first one crashed).
     */
    @WithDefault("30s")
    Duration lease();

    /** Attempts of an invocation before it is marked failed. */
    @WithDefault("3")
    int maxAttempts();

    /** The longest wait between two attempts (the waits double from 1 s). */
    @WithDefault("60s")
    Duration maxBackoff();

    /** How long a callback POST may take. */
    @WithDefault("10s")
    Duration callbackTimeout();
  }

  /** PostgreSQL settings. */
  interface Db {
    /**
     * JDBC URL of an external PostgreSQL ({@code jdbc:postgresql://host:5432/kiln}, or {@code
     * postgresql://user:password@host/kiln}). Empty: {@code kiln up} starts an embedded PostgreSQL
     * with its data under {@code <data-dir>/postgres}.
     */
    Optional<String> url();

    /** Database user; for the embedded server, {@code postgres}. */
    Optional<String> user();

    /** Database password; none for the embedded server. */
    Optional<String> password();

    /**
     * Port of the embedded PostgreSQL; 0 picks a free one, remembered in {@code
     * <data-dir>/postgres.port} and reused when still free.
     */
    @WithDefault("0")
    int embeddedPort();
  }

  /** HTTP settings. */
  interface Http {
    /** The address the API, the registry and the health and metrics endpoints listen on. */
    @WithDefault("0.0.0.0")
    String host();

    /** The port they listen on (sets {@code quarkus.http.port}). */
    @WithDefault("8080")
    int port();

    /**
     * The largest request body accepted, a function archive included; larger ones get 413. Also
     * sets {@code quarkus.http.limits.max-body-size}.
     */
    @WithDefault("512M")
    MemorySize maxBodySize();
  }

  /** Deploy settings. */
  interface Deploy {
    /** The most bytes a function archive may unpack to. */
    @WithDefault("256M")
    MemorySize maxUnpackedSize();

    /** The most entries (files, directories, symlinks) a function archive may hold. */
    @WithDefault("20000")
    int maxEntries();

    /** How many builds run at once; more wait their turn. */
    @WithDefault("2")
    int concurrentBuilds();
  }

  /** Registry settings. */
  interface Registry {
    /**
     * Whether anyone may pull from the built-in registry without an API key. Pushing always needs a
     * key with the admin or deploy scope.
     */
    @WithDefault("false")
    boolean anonymousPull();

    /**
     * Registries ({@code host:port}) spoken to over plain HTTP when deploying from an image
     * reference, besides localhost and 127.0.0.1.
     */
    Optional<List<String>> insecure();
  }
}
