package dev.kiln.gateway.invoke;

import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.gateway.boot.KilnConfig;
import dev.kiln.gateway.functions.Functions;
import dev.kiln.gateway.problem.Problem;
import dev.kiln.scheduler.api.SchedulerException;
import dev.kiln.scheduler.api.Served;
import dev.kiln.scheduler.api.TooManyRequestsException;
import dev.kiln.scheduler.api.UnknownFunctionException;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /fn/{name}/...}: invokes a function with the caller's method, path, query, headers and
 * body, and answers with the function's response. {@code Prefer: respond-async} queues the call
 * instead (as {@code /async/fn/{name}/...} does).
 */
@Path("/fn/{name}")
@Tag(name = "invoke", description = "Invoking functions")
@Blocking
public class InvokeResource {

  /** The header that carries an invocation's id, on the answer as towards the function. */
  public static final String INVOCATION_ID = "X-Kiln-Invocation-Id";

  /**
   * On a synchronous call's answer: {@code warm}, or {@code stem-cell} / {@code fresh} when the
   * call was the first of a container started that way.
   */
  public static final String START = "X-Kiln-Start";

  private final Invoker invoker;
  private final FunctionCalls calls;
  private final AsyncQueue queue;
  private final long maxBody;

  InvokeResource(Invoker invoker, FunctionCalls calls, AsyncQueue queue, KilnConfig config) {
    this.invoker = invoker;
    this.calls = calls;
    this.queue = queue;
    this.maxBody = config.invoke().maxBodySize().asLongValue();
  }

  @GET
  @Operation(summary = "Invoke a function")
  public Response get(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return invoke(name, request, uri, headers, body);
  }

  @GET
  @Path("/{path:.*}")
  public Response getPath(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return invoke(name, request, uri, headers, body);
  }

  @POST
  public Response post(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return invoke(name, request, uri, headers, body);
  }

  @POST
  @Path("/{path:.*}")
  public Response postPath(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return invoke(name, request, uri, headers, body);
  }

  @PUT
  public Response put(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return invoke(name, request, uri, headers, body);
  }

  @PUT
  @Path("/{path:.*}")
  public Response putPath(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return invoke(name, request, uri, headers, body);
  }

  @PATCH
  public Response patch(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return invoke(name, request, uri, headers, body);
  }

  @PATCH
  @Path("/{path:.*}")
  public Response patchPath(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return invoke(name, request, uri, headers, body);
  }

  @DELETE
  public Response delete(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return invoke(name, request, uri, headers, body);
  }

  @DELETE
  @Path("/{path:.*}")
  public Response deletePath(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return invoke(name, request, uri, headers, body);
  }

  @HEAD
  public Response head(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return invoke(name, request, uri, headers, body);
  }

  @HEAD
  @Path("/{path:.*}")
  public Response headPath(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return invoke(name, request, uri, headers, body);
  }

  @OPTIONS
  public Response options(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return invoke(name, request, uri, headers, body);
  }

  @OPTIONS
  @Path("/{path:.*}")
  public Response optionsPath(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return invoke(name, request, uri, headers, body);
  }

  private Response invoke(
      String name, Request request, UriInfo uri, HttpHeaders headers, InputStream body) {
    Functions.Invocable fn =
        invoker.authorize(name, headers.getHeaderString(HttpHeaders.AUTHORIZATION));
    String prefer = headers.getHeaderString("Prefer");
    boolean async = prefer != null && prefer.toLowerCase(Locale.ROOT).contains("respond-async");
    String raw = uri.getRequestUri().getRawQuery();
    Invocation invocation =
        HttpCall.invocation(
            HttpCall.newId(),
            request.getMethod(),
            HttpCall.subPath(uri.getRequestUri().getRawPath(), name),
            raw == null ? "" : raw,
            HttpCall.headers(headers.getRequestHeaders()),
            HttpCall.body(body, maxBody),
            fn.target().spec().limits().timeout());
    if (async) {
      return AsyncResource.accepted(
          queue.enqueue(
              name,
              fn.target().version(),
              invocation,
              headers.getHeaderString(AsyncQueue.CALLBACK_HEADER)));
    }
    try {
      Served served = calls.call(name, fn.target().version(), invocation, "sync");
      return respond(name, fn.target().spec().limits().timeout(), invocation.id(), served);
    } catch (SchedulerException e) {
      return failure(invocation.id(), e);
    }
  }

  /**
   * The answer for a served call: the function's own response, or a problem; with {@link #START}
   * when a container ran it.
   */
  static Response respond(String name, java.time.Duration timeout, String id, Served served) {
    InvocationResult result = served.result();
    if (result instanceof InvocationResult.Ok ok) {
      return passThrough(ok.status(), ok.headers(), ok.body(), id)
          .header(START, served.start())
          .build();
    } else if (result instanceof InvocationResult.FunctionError e) {
      return passThrough(FunctionCalls.status(e), e.headers(), e.body(), id)
          .header("X-Kiln-Error", "function")
          .header(START, served.start())
          .build();
    } else if (result instanceof InvocationResult.Timeout t) {
      return problem(
          504,
          "timeout",
          "Function timed out",
          "function '"
              + name
              + "' exceeded its deadline of "
              + timeout.toSeconds()
              + "s"
              + (t.message() == null || t.message().isBlank() ? "" : " (" + t.message() + ")"),
          id);
    } else if (result instanceof InvocationResult.OutOfMemory o) {
      return problem(502, "out-of-memory", "Function ran out of memory", o.message(), id);
    }
    InvocationResult.Rejected r = (InvocationResult.Rejected) result;
    return problem(
        503,
        "rejected",
        "Invocation not run",
        "function '" + name + "' could not take the invocation: " + r.reason(),
        id);
  }

  static Response failure(String id, SchedulerException e) {
    if (e instanceof UnknownFunctionException) {
      return problem(404, "not-found", "Not Found", e.getMessage(), id);
    }
    Response r =
        problem(
            e.status(),
            e instanceof TooManyRequestsException ? "too-many-requests" : "unavailable",
            e instanceof TooManyRequestsException ? "Too many requests" : "Function unavailable",
            e.getMessage(),
            id);
    if (e instanceof TooManyRequestsException t) {
      return Response.fromResponse(r)
          .header("Retry-After", Long.toString(t.retryAfterSeconds()))
          .build();
    }
    return r;
  }

  private static Response.ResponseBuilder passThrough(
      int status, Map<String, List<String>> headers, byte[] body, String id) {
    Response.ResponseBuilder r = Response.status(status);
    if (headers != null) {
      headers.forEach(
          (k, values) -> {
            if (!HttpCall.DROPPED.contains(k.toLowerCase(Locale.ROOT))) {
              values.forEach(v -> r.header(k, v));
            }
          });
    }
    return r.entity(body == null ? new byte[0] : body).header(INVOCATION_ID, id);
  }

  private static Response problem(int status, String slug, String title, String detail, String id) {
    return Response.fromResponse(Problem.of(status, slug, title, detail).toResponse())
        .header(INVOCATION_ID, id)
        .build();
  }
}
