package echo;

import dev.kiln.fn.Env;
import dev.kiln.fn.Handler;
import dev.kiln.fn.Request;
import dev.kiln.fn.Response;
import echo.lib.Lines;
import java.time.Instant;

public class Echo implements Handler {
  @Override
  public Response handle(Request request) throws Exception {
    switch (request.path()) {
      case "/fail":
        throw new IllegalStateException("kaboom");
      case "/raw":
        return Response.status(201)
            .header("X-Echo-Method", request.method())
            .header("Content-Type", "application/octet-stream")
            .body(request.body());
      case "/json":
        return Response.json("{\"greeting\":\"" + Env.get("GREETING", "unset") + "\"}");
      case "/sleep":
        Thread.sleep(3000);
        return Response.ok("slept");
      default:
        return Response.ok(
            Lines.join(
                "method=" + request.method(),
                "path=" + request.path(),
                "query=" + request.query(),
                "custom=" + request.header("X-Custom").orElse(""),
                "ce-type=" + request.header("ce-type").orElse(""),
                "invocation=" + request.invocationId().orElse(""),
                "deadline=" + request.deadline().map(Instant::toEpochMilli).map(String::valueOf).orElse("null"),
                "body=" + request.bodyAsString(),
                "greeting=" + Env.get("GREETING", "unset")));
    }
  }
}
