package dev.kiln.node.engine;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.NodeException;
import dev.kiln.common.node.StartRequest;
import dev.kiln.node.cell.CellFit;
import dev.kiln.node.cell.CellPool;
import dev.kiln.node.cell.StemCell;
import dev.kiln.node.launch.Container;
import dev.kiln.node.launch.ContainerLauncher;
import dev.kiln.node.launch.LaunchSpec;
import dev.kiln.node.launch.LoadedImage;
import dev.kiln.node.rootfs.OverlayMounter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The two ways a container of a function comes to be: a stem cell of its runtime specialised with
 * its code (when one is ready and the image shares its base), or a fresh launch of its image.
 */
final class ContainerStarter {
  /** In each container's directory: the function it serves, so a later run can file its logs. */
  static final String FUNCTION_FILE = "function";

  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final Path containersDir;
  private final Map<Runtime, CellPool> pools;
  private final OverlayMounter overlays;
  private final ContainerLauncher launcher;
  private final NodeConfig config;

  ContainerStarter(
      Path containersDir,
      Map<Runtime, CellPool> pools,
      OverlayMounter overlays,
      ContainerLauncher launcher,
      NodeConfig config) {
    this.containersDir = containersDir;
    this.pools = pools;
    this.overlays = overlays;
    this.launcher = launcher;
    this.config = config;
  }

  /**
   * A container from a stem cell, or {@code null} when none fits and the mode allows a fresh start.
   *
   * @throws NodeException (503) when the mode is {@code STEM_CELL} and no cell fits
   */
  ContainerRecord fromStemCell(
      StartRequest request, LoadedImage image, long begin, Instant startedAt) {
    FunctionSpec spec = request.spec();
    CellPool pool = pools.get(spec.runtime());
    String misfit;
    if (pool == null) {
      misfit = "this node keeps no " + spec.runtime().id() + " stem cells";
    } else {
      Optional<StemCell> taken = pool.take();
      if (taken.isEmpty()) {
        misfit = "no " + spec.runtime().id() + " stem cell is ready";
      } else {
        StemCell cell = taken.get();
        CellFit fit = cell.fit(image);
        if (fit instanceof CellFit.Fits fits) {
          return specialise(cell, fits, request, image, begin, startedAt);
        }
        pool.giveBack(cell);
        misfit = ((CellFit.Misfit) fit).reason();
      }
    }
    if (request.mode() == StartRequest.StartMode.STEM_CELL) {
      throw new NodeException(
          503, "cannot start '" + spec.name() + "' from a stem cell: " + misfit);
    }
    return null;
  }

  private ContainerRecord specialise(
      StemCell cell,
      CellFit.Fits fits,
      StartRequest request,
      LoadedImage image,
      long begin,
      Instant startedAt) {
    FunctionSpec spec = request.spec();
    try {
      writeFunctionFile(cell.container().dir(), spec.name());
      cell.specialise(
          overlays,
          spec,
          fits,
          StemCell.initEnv(cell.runtimeImage(), image, spec),
          config.defaultDeadline());
    } catch (RuntimeException e) {
      try {
        cell.remove();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return new ContainerRecord(
        cell.container(),
        spec,
        request.version(),
        image.manifest(),
        ContainerInfo.ColdStart.STEM_CELL,
        startedAt,
        Duration.ofNanos(System.nanoTime() - begin));
  }

  /** A container launched from the function image. */
  ContainerRecord fresh(StartRequest request, LoadedImage image, long begin, Instant startedAt) {
    FunctionSpec spec = request.spec();
    String name = spec.name().length() > 20 ? spec.name().substring(0, 20) : spec.name();
    String id =
        name
            + "-"
            + Long.toString(SEQUENCE.incrementAndGet(), 36)
            + Long.toString(System.nanoTime() % 1296, 36);
    Path dir = containersDir.resolve(id);
    writeFunctionFile(dir, spec.name());
    // Startup boost: the runner starts with at least a stem cell's CPU quota (imports, JIT and
    // class loading are CPU-bound), then the function's own applies before the first invocation.
    Limits limits = spec.limits();
    Limits starting =
        limits.withCpuMillis(Math.max(limits.cpuMillis(), config.cellLimits().cpuMillis()));
    Container container =
        launcher.launch(
            new LaunchSpec(id, dir, image, spec.env(), List.of(), starting, spec.name(), false));
    try {
      container.applyLimits(limits);
    } catch (RuntimeException e) {
      try {
        container.remove();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new NodeException(502, "cannot limit container " + id + ": " + e.getMessage(), e);
    }
    return new ContainerRecord(
        container,
        spec,
        request.version(),
        image.manifest(),
        ContainerInfo.ColdStart.FRESH,
        startedAt,
        Duration.ofNanos(System.nanoTime() - begin));
  }

  private static void writeFunctionFile(Path dir, String function) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(FUNCTION_FILE), function, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new NodeException(502, "cannot create container directory " + dir + ": " + e, e);
    }
  }
}
