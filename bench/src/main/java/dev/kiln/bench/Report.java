package dev.kiln.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The node benchmark's output: the table of p50 and p99 per measurement, the ratios and limits the
 * goals name, and as the last line one JSON object with the numbers.
 */
final class Report {
  private final Map<String, Samples> rows = new LinkedHashMap<>();
  private String ociRuntime = "unknown";

  /** The OCI runtime the node used ({@code crun} or {@code runc}), for the JSON line. */
  void ociRuntime(String name) {
    this.ociRuntime = name;
  }

  void add(String key, Samples samples) {
    rows.put(key, samples);
  }

  private Samples row(String key) {
    Samples s = rows.get(key);
    if (s == null) {
      throw new IllegalStateException("no measurement " + key);
    }
    return s;
  }

  private double p50(String key) {
    return row(key).p50Ms();
  }

  void print(PrintStream out) {
    out.println("| measurement | n | p50 ms | p99 ms |");
    out.println("| --- | ---: | ---: | ---: |");
    for (Samples s : rows.values()) {
      out.printf(
          Locale.ROOT,
          "| %s | %d | %s | %s |%n",
          s.name(),
          s.count(),
          ms(s.p50Ms()),
          ms(s.p99Ms()));
    }
    double overheadP50 = p50("warm_engine") - p50("warm_direct");
    double overheadP99 = row("warm_engine").p99Ms() - row("warm_direct").p99Ms();
    out.printf(
        Locale.ROOT,
        "| warm overhead of the node (engine - direct) | | %s | %s |%n",
        ms(overheadP50),
        ms(overheadP99));
    out.println();

    double launchRatio = p50("fresh_launch") / p50("runc_run");
    double dockerFresh = p50("docker") / p50("fresh");
    double dockerCell = p50("docker") / p50("stemcell_python");
    out.println("| goal | measured (p50) | target | met |");
    out.println("| --- | ---: | ---: | --- |");
    goal(out, "fresh launch / raw runc run", ratio(launchRatio), "<= 1.5x", launchRatio <= 1.5);
    goal(
        out,
        "stem cell, python",
        ms(p50("stemcell_python")) + " ms",
        "< 10 ms",
        p50("stemcell_python") < 10);
    goal(
        out,
        "stem cell, node",
        ms(p50("stemcell_node")) + " ms",
        "< 10 ms",
        p50("stemcell_node") < 10);
    goal(
        out,
        "stem cell, java",
        ms(p50("stemcell_java")) + " ms",
        "< 25 ms",
        p50("stemcell_java") < 25);
    goal(out, "warm overhead of the node", ms3(overheadP50) + " ms", "< 0.3 ms", overheadP50 < 0.3);
    goal(out, "docker / Kiln fresh, first response", ratio(dockerFresh), ">= 4x", dockerFresh >= 4);
    goal(
        out,
        "docker / Kiln stem cell (python), first response",
        ratio(dockerCell),
        ">= 20x",
        dockerCell >= 20);
    out.println();

    Map<String, String> json = new LinkedHashMap<>();
    json.put("runc_run_ms", ms(p50("runc_run")));
    json.put("fresh_launch_ms", ms(p50("fresh_launch")));
    json.put("docker_first_response_ms", ms(p50("docker")));
    json.put("fresh_first_response_ms", ms(p50("fresh")));
    json.put("stemcell_python_p50_ms", ms(p50("stemcell_python")));
    json.put("stemcell_node_p50_ms", ms(p50("stemcell_node")));
    json.put("stemcell_java_p50_ms", ms(p50("stemcell_java")));
    for (String rt : new String[] {"python", "node", "java"}) {
      json.put("stemcell_" + rt + "_start_p50_ms", ms(p50("cellstart_" + rt)));
    }
    json.put("warm_engine_p50_ms", ms3(p50("warm_engine")));
    json.put("warm_direct_p50_ms", ms3(p50("warm_direct")));
    json.put("warm_overhead_p50_ms", ms3(overheadP50));
    json.put("fresh_launch_over_runc", two(launchRatio));
    json.put("docker_over_fresh", two(dockerFresh));
    json.put("docker_over_stemcell_python", two(dockerCell));
    json.put("oci_runtime", '"' + ociRuntime + '"');
    StringBuilder line = new StringBuilder("{");
    json.forEach(
        (k, v) ->
            line.append(line.length() > 1 ? "," : "")
                .append('"')
                .append(k)
                .append("\":")
                .append(v));
    out.println(line.append('}'));
  }

  private static void goal(PrintStream out, String what, String value, String target, boolean met) {
    out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", what, value, target, met ? "yes" : "no");
  }

  private static String ms(double value) {
    if (Math.abs(value) < 1) {
      return ms3(value);
    }
    return value >= 100 ? String.format(Locale.ROOT, "%.1f", value) : two(value);
  }

  private static String ms3(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  private static String two(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static String ratio(double value) {
    return two(value) + "x";
  }
}
