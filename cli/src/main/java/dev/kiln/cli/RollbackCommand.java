package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln rollback NAME VERSION}: make an earlier version current again. */
@Command(
    name = "rollback",
    description = "Make another version of a function current (versions never change).")
final class RollbackCommand implements Callable<Integer> {

  @Mixin ControlPlaneOptions target;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "The function.")
  String name;

  @Parameters(index = "1", paramLabel = "VERSION", description = "The version to make current.")
  int version;

  @Override
  public Integer call() throws Exception {
    JsonNode f =
        new ControlPlane(target.resolve())
            .postJson("/v1/functions/" + name + "/rollback", Map.of("version", version));
    spec.commandLine()
        .getOut()
        .printf(
            "%s now runs version %d (%s)%n",
            name, f.path("currentVersion").asInt(), f.path("digest").asText());
    return 0;
  }
}
