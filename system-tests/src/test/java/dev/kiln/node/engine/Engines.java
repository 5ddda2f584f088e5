package dev.kiln.node.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.system.KilnImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared pieces of the engine's integration tests. */
final class Engines {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private Engines() {}

  /** A node id of its own for each engine, so cgroup subtrees never clash. */
  static String nodeId() {
    return "it-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
  }

  /** A config on {@code data} with the test image store and no stem cells. */
  static NodeConfig config(Path data) {
    return NodeConfig.defaults(nodeId(), data, KilnImages.store());
  }

  /** A config keeping one stem cell of each given runtime. */
  static NodeConfig withCells(NodeConfig config, Runtime... runtimes) {
    for (Runtime runtime : runtimes) {
      config = config.withStemCells(runtime, 1, KilnImages.runtimeImage(runtime));
    }
    return config;
  }

  static FunctionSpec spec(String name, Runtime runtime, String handler, Map<String, String> env) {
    return new FunctionSpec(name, runtime, handler, Limits.DEFAULT, env);
  }

  /** {@code GET /?<query>} with a deadline {@code seconds} away. */
  static Invocation get(String query, int seconds) {
    return new Invocation(
        "inv-" + SEQUENCE.incrementAndGet(),
        "GET",
        "/",
        query,
        Map.of(),
        null,
        Instant.now().plus(Duration.ofSeconds(seconds)));
  }

  /** The body of an {@code Ok} result with status 200. */
  static String okBody(InvocationResult result) {
    assertThat(result).isInstanceOf(InvocationResult.Ok.class);
    InvocationResult.Ok ok = (InvocationResult.Ok) result;
    String body = new String(ok.body(), StandardCharsets.UTF_8);
    assertThat(ok.status()).as(body).isEqualTo(200);
    return body;
  }
}
