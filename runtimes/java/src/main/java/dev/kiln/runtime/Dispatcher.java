package dev.kiln.runtime;

import dev.kiln.fn.Env;
import dev.kiln.fn.Request;
import dev.kiln.fn.Response;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Routes each request: {@code POST /init} specialises the runner, everything else invokes the
 * function. See {@code docs/protocol.md}.
 */
final class Dispatcher {

  private final Path defaultCodeDir;
  private final Object initLock = new Object();
  private volatile HandlerLoader.LoadedFunction function;

  Dispatcher(Path defaultCodeDir) {
    this.defaultCodeDir = defaultCodeDir;
  }

  Reply dispatch(RawRequest raw) {
    if (raw.method().equals("POST") && raw.path().equals("/init")) {
      return init(new String(raw.body(), StandardCharsets.UTF_8));
    }
    HandlerLoader.LoadedFunction loaded = function;
    if (loaded == null) {
      return Reply.error(
          503,
          "not initialised",
          ",\"message\":"
              + Json.quote(
                  "no handler is loaded: POST /init first, or start the runner with KILN_HANDLER"));
    }
    return invoke(loaded, raw);
  }

  /**
   * Loads the handler, as {@code POST /init} or {@code KILN_HANDLER} asks.
   *
   * @throws InitException when the runner is already specialised or the handler cannot be loaded
   */
  void specialise(InitRequest init) throws InitException {
    // One lock so that two racing /init requests cannot both load a handler.
    synchronized (initLock) {
      if (function != null) {
        throw new InitException(409, "already initialised with handler " + function.name());
      }
      // Installed before loading: static initialisers of the function may read variables.
      Env.install(init.env());
      try {
        function = HandlerLoader.load(init.handler(), init.codeDir());
      } catch (InitException e) {
        Env.install(Map.of());
        throw e;
      }
    }
  }

  private Reply init(String body) {
    try {
      specialise(InitRequest.parse(body, defaultCodeDir));
      return Reply.json(200, "{\"ok\":true}", false);
    } catch (InitException e) {
      System.err.println("kiln-runner: init failed: " + e.getMessage());
      if (e.functionError()) {
        return functionError(e.getCause());
      }
      return Reply.error(e.status(), e.getMessage(), "");
    }
  }

  private Reply invoke(HandlerLoader.LoadedFunction loaded, RawRequest raw) {
    Request request = new Request(raw.method(), raw.path(), raw.query(), raw.headers(), raw.body());
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    // Libraries the function uses (ServiceLoader, JAXB, ...) look up classes through this loader.
    thread.setContextClassLoader(loaded.loader());
    try {
      Response response = loaded.handler().handle(request);
      if (response == null) {
        throw new IllegalStateException(
            loaded.name()
                + ".handle returned null; return Response.status(204) for an empty response");
      }
      return new Reply(response.status(), response.headers(), response.body());
    } catch (Throwable failure) {
      // Any Throwable: a StackOverflowError in one invocation must not take the runner down.
      System.err.println(
          "kiln-runner: invocation "
              + request.invocationId().orElse("-")
              + " failed: "
              + stackTrace(failure));
      return functionError(failure);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static Reply functionError(Throwable failure) {
    String error =
        failure.getMessage() == null
            ? failure.getClass().getName()
            : failure.getClass().getName() + ": " + failure.getMessage();
    return Reply.json(
        500,
        "{\"error\":" + Json.quote(error) + ",\"stack\":" + Json.quote(stackTrace(failure)) + "}",
        true);
  }

  private static String stackTrace(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
