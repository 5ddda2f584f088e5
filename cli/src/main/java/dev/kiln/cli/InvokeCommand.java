package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln invoke NAME [-d DATA] [--path /x] [--async]}: call a function over HTTP. */
@Command(
    name = "invoke",
    description = "Invoke a function and print its answer (--async: queue it and print its id).")
final class InvokeCommand implements Callable<Integer> {

  @Mixin ControlPlaneOptions target;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "The function.")
  String name;

  @Option(
      names = {"-d", "--data"},
      paramLabel = "DATA",
      description = "The request body; sent with POST (without it: GET).")
  String data;

  @Option(
      names = "--path",
      paramLabel = "PATH",
      description = "Path below the function, with its query: /orders?id=1.")
  String path;

  @Option(names = "--async", description = "Queue the invocation; print its id and status URL.")
  boolean async;

  @Override
  public Integer call() throws Exception {
    ControlPlane cp = new ControlPlane(target.resolve());
    HttpResponse<byte[]> r =
        cp.invoke(name, path, data == null ? null : data.getBytes(StandardCharsets.UTF_8), async);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String body = new String(r.body(), StandardCharsets.UTF_8);
    if (async && r.statusCode() == 202) {
      JsonNode accepted = new ObjectMapper().readTree(body);
      out.printf(
          "queued %s: %s/v1/invocations/%s%n",
          accepted.path("id").asText(), cp.url(), accepted.path("id").asText());
      return 0;
    }
    if (r.statusCode() / 100 == 2) {
      out.print(body);
      if (!body.endsWith("\n")) {
        out.println();
      }
      out.flush();
      return 0;
    }
    String detail = body;
    if (r.headers().firstValue("Content-Type").orElse("").contains("problem+json")) {
      detail = new ObjectMapper().readTree(body).path("detail").asText(body);
    }
    err.printf("%s answered %d: %s%n", name, r.statusCode(), detail.strip());
    err.flush();
    return 1;
  }
}
