package dev.kiln.gateway.runtime;

import dev.kiln.builder.build.BuildListener;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import dev.kiln.common.concurrent.DaemonThreads;
import dev.kiln.gateway.boot.KilnConfig;
import dev.kiln.gateway.boot.Prerequisites;
import dev.kiln.gateway.boot.Role;
import dev.kiln.gateway.functions.FunctionChanged;
import dev.kiln.gateway.functions.Functions;
import dev.kiln.gateway.images.ControlPlaneImages;
import dev.kiln.node.engine.NodeConfig;
import dev.kiln.node.engine.NodeEngine;
import dev.kiln.scheduler.Scheduler;
import dev.kiln.scheduler.api.FunctionTarget;
import dev.kiln.scheduler.api.SchedulerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Assembles the scheduler, and in all-in-one mode the runtime node, into this process.
 *
 * <p>With the {@code scheduler} role the scheduler starts with the application and is given the
 * current version of every function; deploys, rollbacks, scaling changes and deletes reach it as
 * {@link FunctionChanged} events once their transaction commits. With the {@code node} role too, a
 * {@link NodeEngine} starts on {@code <data-dir>/node}, sharing the control plane's image store (so
 * nothing is pulled), registers with the scheduler and heartbeats at the scheduler's interval.
 */
@Singleton
public class SchedulerWiring {

  /** Start-up order: after the database and first-start key, before the async workers. */
  public static final int STARTUP_PRIORITY = 100;

  private static final Logger LOG = Logger.getLogger(SchedulerWiring.class);

  private final KilnConfig config;
  private final ControlPlaneImages images;
  private final Functions functions;
  private final SchedulerMetrics metrics;
  private final Scheduler scheduler;
  private final Set<Role> roles;
  private volatile boolean started;
  private NodeEngine engine;
  private ScheduledExecutorService ticker;

  SchedulerWiring(
      KilnConfig config, ControlPlaneImages images, Functions functions, SchedulerMetrics metrics) {
    this.config = config;
    this.images = images;
    this.functions = functions;
    this.metrics = metrics;
    this.roles = Role.expand(config.roles());
    this.scheduler = Scheduler.create(schedulerConfig(config.scheduler()), metrics);
  }

  /** The scheduler of this process. */
  @Produces
  @Singleton
  Scheduler scheduler() {
    return scheduler;
  }

  /** Whether this process schedules invocations (role {@code scheduler}) and has started to. */
  public boolean isRunning() {
    return started;
  }

  /** The in-process node, when this process has the {@code node} role and it started. */
  public Optional<NodeEngine> node() {
    return Optional.ofNullable(engine);
  }

  void onStart(@Observes @Priority(STARTUP_PRIORITY) StartupEvent event) {
    if (!roles.contains(Role.SCHEDULER)) {
      return;
    }
    scheduler.start();
    if (roles.contains(Role.NODE)) {
      startNode();
    }
    int deployed = 0;
    for (FunctionTarget target : functions.targets()) {
      if (target != null) {
        deploy(target);
        deployed++;
      }
    }
    ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("kiln-heartbeat"));
    long every = config.scheduler().heartbeatInterval().toMillis();
    ticker.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
    started = true;
    LOG.infof(
        "Scheduler started with %d function(s)%s",
        deployed, engine == null ? "" : " and node " + engine.config().nodeId());
  }

  void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) FunctionChanged change) {
    if (!started) {
      return;
    }
    if (change.target() == null) {
      scheduler.undeploy(change.name());
    } else {
      deploy(change.target());
    }
  }

  void onStop(@Observes @Priority(STARTUP_PRIORITY) ShutdownEvent event) {
    started = false;
    if (ticker != null) {
      ticker.shutdownNow();
    }
    scheduler.close();
    if (engine != null) {
      try {
        engine.close();
      } catch (RuntimeException e) {
        LOG.warnf(e, "Closing node %s failed", engine.config().nodeId());
      }
    }
  }

  private void deploy(FunctionTarget target) {
    try {
      scheduler.deploy(target);
    } catch (RuntimeException e) {
      LOG.errorf(e, "Could not give function '%s' to the scheduler", target.name());
    }
  }

  private void tick() {
    try {
      if (engine != null) {
        scheduler.heartbeat(engine.config().nodeId(), engine.info());
      }
      metrics.refresh(scheduler.snapshot());
    } catch (RuntimeException e) {
      LOG.warnf(e, "Heartbeat failed");
    }
  }

  private void startNode() {
    List<Prerequisites.Missing> missing = Prerequisites.check(Prerequisites.system());
    if (!missing.isEmpty()) {
      LOG.errorf(
          "The node role cannot run here, invocations will fail with 503 until a node joins: %s",
          missing);
      return;
    }
    Path dataDir = config.dataDir().toAbsolutePath();
    String nodeId = config.node().id().orElseGet(() -> defaultNodeId(dataDir));
    NodeConfig nodeConfig = NodeConfig.defaults(nodeId, dataDir.resolve("node"), images.store());
    for (Map.Entry<Runtime, Integer> cells :
        StemCellSettings.parse(config.node().stemCells()).counts().entrySet()) {
      nodeConfig =
          nodeConfig.withStemCells(cells.getKey(), cells.getValue(), runtimeImage(cells.getKey()));
    }
    engine = NodeEngine.start(nodeConfig);
    scheduler.registerNode(nodeId, engine);
    scheduler.heartbeat(nodeId, engine.info());
  }

  /**
   * The bare runtime image stem cells of {@code runtime} run: a Kilnfile of only {@code FROM
   * kiln/<runtime>}, built into the control plane's store as {@code kiln/<runtime>:latest}. The
   * build cache makes this cheap after the first start.
   */
  private ImageRef runtimeImage(Runtime runtime) {
    ImageRef ref = ImageRef.parseLocal("kiln/" + runtime.id() + ":latest");
    try {
      Path dir = Files.createTempDirectory(images.scratch(), "runtime-");
      try {
        Files.writeString(dir.resolve("Kilnfile"), "FROM kiln/" + runtime.id() + "\n");
        images.builder().build(dir, ref.localName(), BuildListener.NONE);
      } finally {
        Files.deleteIfExists(dir.resolve("Kilnfile"));
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the " + runtime.id() + " runtime image", e);
    }
    return ref;
  }

  /** {@code local-} and 8 hex digits of the data directory's path: stable, unique per machine. */
  static String defaultNodeId(Path dataDir) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(dataDir.toString().getBytes(StandardCharsets.UTF_8));
      return "local-" + HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SchedulerConfig schedulerConfig(KilnConfig.Scheduler s) {
    return new SchedulerConfig(
        s.heartbeatInterval(),
        s.heartbeatTimeout(),
        s.maintenanceInterval(),
        s.deadlineMargin(),
        null,
        s.nodeFailureCooldown(),
        s.startThreads());
  }
}
