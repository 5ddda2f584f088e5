package dev.kiln.bench;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import dev.kiln.common.http.HttpRequest;
import dev.kiln.common.http.HttpResponse;
import dev.kiln.common.http.UnixHttpClient;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.common.node.StartRequest;
import dev.kiln.common.node.StartRequest.StartMode;
import dev.kiln.image.store.ImageStore;
import dev.kiln.node.engine.NodeConfig;
import dev.kiln.node.engine.NodeEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The node engine on real function images: cold starts to the first answer, fresh and from stem
 * cells, and warm invocations through the engine against direct calls on the runner's socket. One
 * engine keeps one stem cell of each runtime.
 */
final class EngineBench implements AutoCloseable {
  private final NodeEngine engine;
  private final Path dataDir;
  private final Map<Runtime, List<Long>> cellStartups = new EnumMap<>(Runtime.class);
  private int sequence;

  EngineBench(Path dataDir, ImageStore store, Map<Runtime, ImageRef> runtimeImages)
      throws InterruptedException {
    this.dataDir = dataDir;
    NodeConfig config =
        NodeConfig.defaults("bench-" + ProcessHandle.current().pid(), dataDir, store);
    for (Map.Entry<Runtime, ImageRef> e : runtimeImages.entrySet()) {
      config = config.withStemCells(e.getKey(), 1, e.getValue());
    }
    this.engine = NodeEngine.start(config);
    if (!engine.awaitStemCells(Duration.ofSeconds(180))) {
      engine.close();
      throw new IllegalStateException("stem cells not ready in 180 s: " + engine.stemCells());
    }
  }

  /** A fresh container of the function to its first answer; stopped afterwards, not timed. */
  long fresh(FunctionSpec spec, ImageRef image) {
    long begin = System.nanoTime();
    ContainerInfo info = engine.start(new StartRequest(spec, 1, image, StartMode.FRESH));
    requireOk(engine.invoke(info.id(), invocation()), info);
    long took = System.nanoTime() - begin;
    engine.stop(info.id());
    return took;
  }

  /**
   * A stem cell of the function's runtime to its first answer. Waits for the pool to be full first
   * (not timed), so that the take is measured and not a refill.
   */
  long stemCell(FunctionSpec spec, ImageRef image) throws InterruptedException {
    if (!engine.awaitStemCells(Duration.ofSeconds(60))) {
      throw new IllegalStateException("the stem-cell pools did not refill: " + engine.stemCells());
    }
    long begin = System.nanoTime();
    ContainerInfo info = engine.start(new StartRequest(spec, 1, image, StartMode.STEM_CELL));
    requireOk(engine.invoke(info.id(), invocation()), info);
    long took = System.nanoTime() - begin;
    engine.stop(info.id());
    if (info.coldStart() != ContainerInfo.ColdStart.STEM_CELL) {
      throw new IllegalStateException(info.id() + " did not start from a stem cell");
    }
    cellStartups
        .computeIfAbsent(spec.runtime(), r -> new ArrayList<>())
        .add(info.startup().toNanos());
    return took;
  }

  /**
   * The engine's own start times ({@link ContainerInfo#startup()}: take, code mount, limits, {@code
   * /init}) of the last {@code count} stem-cell starts of {@code runtime}, without the first
   * invocation.
   */
  Samples cellStartups(Runtime runtime, int count) {
    List<Long> all = cellStartups.getOrDefault(runtime, List.of());
    return new Samples(
        "  of which the start alone (engine), " + runtime.id(),
        all.subList(Math.max(0, all.size() - count), all.size()).stream()
            .mapToLong(Long::longValue)
            .toArray());
  }

  /**
   * Warm invocations on one fresh container, alternating a call through the engine ({@link
   * NodeEngine#invoke}) and the same request straight on the runner's socket with a client of its
   * own, so that drift of the machine hits both alike.
   *
   * @return the engine's times and the direct ones
   */
  List<Samples> warm(FunctionSpec spec, ImageRef image, int warmup, int runs) throws IOException {
    ContainerInfo info = engine.start(new StartRequest(spec, 1, image, StartMode.FRESH));
    Path socket = dataDir.resolve("containers").resolve(info.id()).resolve("sock/fn.sock");
    try (UnixHttpClient direct = UnixHttpClient.of(socket)) {
      long[] viaEngine = new long[runs];
      long[] viaSocket = new long[runs];
      for (int i = -warmup; i < runs; i++) {
        Invocation invocation = invocation();
        long t0 = System.nanoTime();
        InvocationResult result = engine.invoke(info.id(), invocation);
        long t1 = System.nanoTime();
        // What the engine sends: the same target and Kiln's two headers.
        HttpRequest request =
            HttpRequest.get("/?name=warm")
                .header("X-Kiln-Invocation-Id", invocation.id() + "-direct")
                .header("X-Kiln-Deadline", Long.toString(invocation.deadline().toEpochMilli()));
        long t2 = System.nanoTime();
        HttpResponse response = direct.send(request);
        long t3 = System.nanoTime();
        requireOk(result, info);
        if (response.status() != 200) {
          throw new IllegalStateException("direct call answered " + response.status());
        }
        if (i >= 0) {
          viaEngine[i] = t1 - t0;
          viaSocket[i] = t3 - t2;
        }
      }
      return List.of(
          new Samples("warm invoke through the node", viaEngine),
          new Samples("warm call on the runner socket", viaSocket));
    } finally {
      engine.stop(info.id());
    }
  }

  /** The OCI runtime the engine runs containers with. */
  String runtimeName() {
    return engine.info().ociRuntime();
  }

  private Invocation invocation() {
    return new Invocation(
        "bench-" + (++sequence),
        "GET",
        "/",
        "name=warm",
        Map.of(),
        null,
        Instant.now().plus(Duration.ofSeconds(30)));
  }

  private static void requireOk(InvocationResult result, ContainerInfo info) {
    if (!(result instanceof InvocationResult.Ok ok) || ok.status() != 200) {
      throw new IllegalStateException(info.function() + " in " + info.id() + ": " + result);
    }
  }

  @Override
  public void close() {
    engine.close();
  }
}
