package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln deploy DIR}: upload a function directory to the control plane, which builds it. */
@Command(
    name = "deploy",
    description =
        "Deploy a function directory to the control plane: it builds the image and makes it the"
            + " function's new version.")
final class DeployCommand implements Callable<Integer> {

  @Mixin ControlPlaneOptions target;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "The function directory.")
  Path dir;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "The function's name, instead of kiln.yaml's (required for a Kilnfile).")
  String name;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ControlPlane api = new ControlPlane(target.resolve());
    byte[] archive = FunctionArchive.of(dir);
    out.printf("Uploading %s (%s) to %s%n", dir, Units.bytes(archive.length), api.url());
    JsonNode accepted = api.deploy(archive, name);
    String function = accepted.path("function").asText();
    String build = accepted.path("build").asText();
    int[] version = {0};
    String[] failure = {null};
    api.events(
        build,
        (event, data) -> {
          switch (event) {
            case "done" -> version[0] = data.path("version").asInt();
            case "failed" -> failure[0] = data.path("line").asText();
            default -> out.println(data.path("line").asText());
          }
          out.flush();
        });
    if (failure[0] != null) {
      throw new IOException("the build of " + function + " failed: " + failure[0]);
    }
    if (version[0] == 0) {
      throw new IOException(
          "the build's event stream ended without a result; see GET /v1/builds/" + build);
    }
    JsonNode v = api.get("/v1/functions/" + function + "/versions/" + version[0]);
    out.printf("Deployed %s version %d (%s)%n", function, version[0], v.path("digest").asText());
    out.printf("URL: %s%n", v.path("url").asText());
    return 0;
  }
}
