package dev.kiln.bench;

import dev.kiln.builder.spec.FunctionSpecReader;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The runtime node benchmark, run by {@code bench/node.sh} (docs/benchmarks.md, "Runtime node").
 *
 * <p>{@code prepare} builds the example functions and the bare runtime images into {@code
 * <work>/store} and exports hello-python to the OCI layout {@code <work>/oci} for skopeo. {@code
 * run} measures, all on the hello-python image unless named otherwise:
 *
 * <ol>
 *   <li>{@code runc run} of a {@code runc spec} bundle on its unpacked rootfs, a trivial process;
 *   <li>the node's launch path with the same process: overlay, bundle, run, exit, removal;
 *   <li>{@code docker run -d} to the runner's first answer;
 *   <li>a fresh container through the engine to its first answer;
 *   <li>stem cells of python, node and java to their first answer;
 *   <li>warm invocations through the engine, and 7. the same calls straight on the socket.
 * </ol>
 *
 * <p>Progress goes to stderr; the tables and, as the last line, a JSON object go to stdout.
 */
public final class NodeBench {
  private static final Map<Runtime, String> EXAMPLES =
      Map.of(
          Runtime.PYTHON, "hello-python", Runtime.NODE, "hello-node", Runtime.JAVA, "hello-java");

  private NodeBench() {}

  /**
   * {@code prepare --work DIR --repo DIR --export NAME}, or {@code run --work DIR --repo DIR --runs
   * N --warmup N --warm-runs N --docker-image NAME --label K=V --raw-bundle DIR --process "ARGV"}.
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: NodeBench prepare|run --work DIR ...");
    }
    Map<String, String> options = options(args);
    Path work = Path.of(option(options, "work")).toAbsolutePath();
    Path repo = Path.of(option(options, "repo")).toAbsolutePath();
    BenchImages images = new BenchImages(work.resolve("store"), repo, work.resolve("sources"));
    switch (args[0]) {
      case "prepare" -> prepare(images, work, option(options, "export"));
      case "run" -> run(images, work, repo, options);
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
    System.exit(0);
  }

  private static void prepare(BenchImages images, Path work, String exportName) throws Exception {
    for (Runtime runtime : List.of(Runtime.PYTHON, Runtime.NODE, Runtime.JAVA)) {
      progress("building %s and the bare %s runtime image", EXAMPLES.get(runtime), runtime.id());
      images.example(EXAMPLES.get(runtime));
      images.runtimeImage(runtime);
    }
    images.export(images.example("hello-python"), work.resolve("oci"), exportName);
  }

  private static void run(BenchImages images, Path work, Path repo, Map<String, String> options)
      throws Exception {
    int runs = Integer.parseInt(option(options, "runs"));
    int warmup = Integer.parseInt(option(options, "warmup"));
    int warmRuns = Integer.parseInt(option(options, "warm-runs"));
    List<String> process = List.of(option(options, "process").split(" "));
    Report report = new Report();

    progress("1./2. runc run and the Kiln launch path, in turns: %s", String.join(" ", process));
    RawRunc raw =
        new RawRunc(
            Path.of(option(options, "runc")),
            Path.of(option(options, "raw-bundle")),
            work.resolve("raw-state"));
    ImageRef python = images.example("hello-python");
    String runtime;
    try (TrivialLaunch launch =
        new TrivialLaunch(
            work.resolve("launch"), images.store(), images.manifest(python), process)) {
      runtime = launch.runtimeName();
      String output = launch.output();
      progress(
          "   the Kiln launch path uses %s; the process printed: %s", runtime, firstLine(output));
      List<Samples> launches =
          Samples.alternate(
              "raw `runc run`, trivial process",
              raw::once,
              "Kiln fresh launch, trivial process",
              launch::once,
              warmup,
              runs);
      report.add("runc_run", launches.get(0));
      report.add("fresh_launch", launches.get(1));
    }

    FunctionSpec pythonSpec = FunctionSpecReader.read(repo.resolve("examples/hello-python"));
    DockerStart docker =
        new DockerStart(
            option(options, "docker-image"),
            option(options, "label"),
            work.resolve("docker"),
            List.of(
                "--memory",
                pythonSpec.limits().memoryMiB() + "m",
                "--cpus",
                String.format(Locale.ROOT, "%.3f", pythonSpec.limits().cpuMillis() / 1000.0),
                "--pids-limit",
                Integer.toString(pythonSpec.limits().pids())));

    Map<Runtime, ImageRef> runtimeImages = new EnumMap<>(Runtime.class);
    Map<Runtime, ImageRef> functions = new EnumMap<>(Runtime.class);
    Map<Runtime, FunctionSpec> specs = new HashMap<>();
    for (Runtime r : List.of(Runtime.PYTHON, Runtime.NODE, Runtime.JAVA)) {
      runtimeImages.put(r, images.runtimeImage(r));
      functions.put(r, images.example(EXAMPLES.get(r)));
      specs.put(r, FunctionSpecReader.read(repo.resolve("examples").resolve(EXAMPLES.get(r))));
    }
    progress("starting the node engine with one stem cell per runtime");
    try (EngineBench engine =
        new EngineBench(work.resolve("node"), images.store(), runtimeImages)) {
      // Not in turns: dockerd and containerd go on tearing a container down after `docker rm -f`
      // returns, which would land on the Kiln measurement that follows it.
      progress("3. docker run to the first response");
      report.add(
          "docker", Samples.measure("`docker run` to first response", warmup, runs, docker::once));
      progress("4. Kiln fresh container to the first response");
      report.add(
          "fresh",
          Samples.measure(
              "Kiln fresh container to first response",
              warmup,
              runs,
              () -> engine.fresh(pythonSpec, python)));
      for (Runtime r : List.of(Runtime.PYTHON, Runtime.NODE, Runtime.JAVA)) {
        progress("5. Kiln stem cell to the first response, %s", r.id());
        report.add(
            "stemcell_" + r.id(),
            Samples.measure(
                "Kiln stem cell to first response, " + r.id(),
                warmup,
                runs,
                () -> engine.stemCell(specs.get(r), functions.get(r))));
        report.add("cellstart_" + r.id(), engine.cellStartups(r, runs));
      }
      progress("6./7. warm invocations, through the node and on the socket");
      List<Samples> warm = engine.warm(pythonSpec, python, warmRuns / 5, warmRuns);
      report.add("warm_engine", warm.get(0));
      report.add("warm_direct", warm.get(1));
    }
    progress("OCI runtime of the node: %s", runtime);
    report.ociRuntime(runtime);
    report.print(System.out);
  }

  private static String firstLine(String text) {
    String line = text.strip().lines().findFirst().orElse("(nothing)");
    return line.length() > 80 ? line.substring(0, 80) + "..." : line;
  }

  private static void progress(String format, Object... args) {
    System.err.printf("bench: " + format + "%n", args);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  private static String option(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return value;
  }
}
