package dev.kiln.node.cell;

import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import dev.kiln.common.node.NodeException;
import dev.kiln.node.launch.Container;
import dev.kiln.node.launch.ContainerLauncher;
import dev.kiln.node.launch.LaunchSpec;
import dev.kiln.node.launch.LoadedImage;
import dev.kiln.node.oci.BindMount;
import dev.kiln.node.rootfs.MountTable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts stem cells: a fresh container of the runtime image, without {@code KILN_HANDLER} so its
 * runner waits for {@code /init}, with {@code <cells>/<id>/fn} shared into it at {@code
 * /opt/kiln/function}. Until taken, a cell runs with generous limits; taking it sets the
 * function's.
 */
public final class CellStarter {
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final ContainerLauncher launcher;
  private final Path cellsDir;
  private final Limits cellLimits;

  /**
   * A starter.
   *
   * @param cellsDir where cells' directories go
   * @param cellLimits the limits of a cell until it is taken
   */
  public CellStarter(ContainerLauncher launcher, Path cellsDir, Limits cellLimits) {
    this.launcher = launcher;
    this.cellsDir = cellsDir;
    this.cellLimits = cellLimits;
  }

  /** Starts one stem cell of {@code runtimeImage} and waits for its runner. */
  public StemCell start(Runtime runtime, LoadedImage runtimeImage) {
    long begin = System.nanoTime();
    Instant startedAt = Instant.now();
    String id =
        "cell-"
            + runtime.id()
            + "-"
            + Long.toString(SEQUENCE.incrementAndGet(), 36)
            + "-"
            + Long.toString(System.nanoTime() % 46656, 36);
    Path dir = cellsDir.resolve(id);
    Path fnDir = dir.resolve("fn");
    try {
      CodeMounts.prepareShared(fnDir);
    } catch (IOException e) {
      try {
        MountTable.unmountAllUnder(dir);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new NodeException(
          502, "stem cell " + id + ": cannot prepare " + fnDir + ": " + e.getMessage(), e);
    }
    Map<String, String> env = new HashMap<>();
    env.put("KILN_HANDLER", null);
    Container container =
        launcher.launch(
            new LaunchSpec(
                id,
                dir,
                runtimeImage,
                env,
                List.of(new BindMount(fnDir, CellFit.CODE_DIR, true, BindMount.Propagation.SLAVE)),
                cellLimits,
                id,
                true));
    warmUp(container);
    return new StemCell(
        runtime,
        runtimeImage,
        container,
        fnDir,
        startedAt,
        Duration.ofNanos(System.nanoTime() - begin));
  }

  /** Requests that warm a waiting runner; each answers 503 "not initialised". */
  static final int WARM_UP_REQUESTS = 20;

  /**
   * Serves a few requests before the cell joins the pool, while nothing waits for it. The first
   * requests a runner ever serves load its HTTP code; in a JVM that is tens of milliseconds of
   * class loading, which would otherwise land on the first function's {@code /init}. The answers
   * (503, not initialised) are ignored, and so is a failure: the cell is judged by {@code /init}.
   */
  private static void warmUp(Container container) {
    byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try {
      for (int i = 0; i < WARM_UP_REQUESTS; i++) {
        container
            .client()
            .send(
                dev.kiln.common.http.HttpRequest.post("/kiln-warm-up", body)
                    .header("Content-Type", "application/json"),
                Duration.ofSeconds(5));
      }
    } catch (IOException | RuntimeException e) {
      // A cell that cannot answer now will fail its /init, where the error is reported.
    }
  }
}
