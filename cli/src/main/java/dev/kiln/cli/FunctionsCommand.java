package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kiln functions}: the control plane's functions. */
@Command(name = "functions", description = "List the functions on the control plane.")
final class FunctionsCommand implements Callable<Integer> {

  @Mixin ControlPlaneOptions target;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    JsonNode functions = new ControlPlane(target.resolve()).get("/v1/functions");
    out.printf("%-30s %-8s %-8s %-7s %s%n", "NAME", "VERSION", "RUNTIME", "PUBLIC", "URL");
    for (JsonNode f : functions) {
      out.printf(
          "%-30s %-8s %-8s %-7s %s%n",
          f.path("name").asText(),
          f.path("currentVersion").asText("-"),
          f.path("runtime").asText("-"),
          f.path("public").asBoolean() ? "yes" : "no",
          f.path("url").asText());
    }
    return 0;
  }
}
