package dev.kiln.gateway.invoke;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.node.Invocation;
import dev.kiln.gateway.boot.KilnConfig;
import dev.kiln.gateway.functions.Functions;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /async/fn/{name}/...}: queues a call, stored in PostgreSQL before the 202 answers; {@code
 * /v1/invocations/{id}} shows how it went.
 */
@Path("/async/fn/{name}")
@Tag(name = "invoke", description = "Invoking functions")
@Blocking
public class AsyncResource {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Invoker invoker;
  private final AsyncQueue queue;
  private final long maxBody;

  AsyncResource(Invoker invoker, AsyncQueue queue, KilnConfig config) {
    this.invoker = invoker;
    this.queue = queue;
    this.maxBody = config.invoke().maxBodySize().asLongValue();
  }

  @POST
  @Operation(summary = "Queue an invocation of a function")
  public Response post(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return enqueue(name, request, uri, headers, body);
  }

  @POST
  @Path("/{path:.*}")
  public Response postPath(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return enqueue(name, request, uri, headers, body);
  }

  @GET
  public Response get(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return enqueue(name, request, uri, headers, body);
  }

  @GET
  @Path("/{path:.*}")
  public Response getPath(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return enqueue(name, request, uri, headers, body);
  }

  @PUT
  @Path("/{path:.*}")
  public Response putPath(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return enqueue(name, request, uri, headers, body);
  }

  @PATCH
  @Path("/{path:.*}")
  public Response patchPath(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return enqueue(name, request, uri, headers, body);
  }

  @DELETE
  @Path("/{path:.*}")
  public Response deletePath(
      @PathParam("name") String name,
      @Context Request request,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      InputStream body) {
    return enqueue(name, request, uri, headers, body);
  }

  private Response enqueue(
      String name, Request request, UriInfo uri, HttpHeaders headers, InputStream body) {
    Functions.Invocable fn =
        invoker.authorize(name, headers.getHeaderString(HttpHeaders.AUTHORIZATION));
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
    return accepted(
        queue.enqueue(
            name,
            fn.target().version(),
            invocation,
            headers.getHeaderString(AsyncQueue.CALLBACK_HEADER)));
  }

  /** The 202 for a queued invocation. */
  static Response accepted(QueuedInvocation q) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", q.id().toString());
    body.put("status", q.status());
    body.put("function", q.function());
    return Response.accepted(body)
        .type(MediaType.APPLICATION_JSON)
        .location(URI.create("/v1/invocations/" + q.id()))
        .header("Preference-Applied", "respond-async")
        .header(InvokeResource.INVOCATION_ID, q.id().toString())
        .build();
  }

  /** An invocation as the API shows it. */
  static ObjectNode view(QueuedInvocation q) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", q.id().toString());
    n.put("function", q.function());
    if (q.version() != null) {
      n.put("version", q.version());
    }
    n.put("method", q.method());
    n.put("path", q.path());
    n.put("status", q.status());
    n.put("attempts", q.attempts());
    n.put("maxAttempts", q.maxAttempts());
    n.put("createdAt", String.valueOf(q.createdAt()));
    n.put("updatedAt", String.valueOf(q.updatedAt()));
    if (!q.isFinished()) {
      n.put("nextAttemptAt", String.valueOf(q.nextAttemptAt()));
    }
    if (q.finishedAt() != null) {
      n.put("finishedAt", q.finishedAt().toString());
    }
    if (q.resultStatus() != null) {
      ObjectNode result = n.putObject("result");
      result.put("status", q.resultStatus());
      result.set("headers", JSON.valueToTree(q.resultHeaders()));
      byte[] body = q.resultBody() == null ? new byte[0] : q.resultBody();
      String text = utf8(body);
      if (text != null) {
        result.put("body", text);
      } else {
        result.put("bodyBase64", Base64.getEncoder().encodeToString(body));
      }
    }
    if (q.error() != null) {
      n.put("error", q.error());
    }
    if (q.callbackUrl() != null) {
      ObjectNode cb = n.putObject("callback");
      cb.put("url", q.callbackUrl());
      if (q.callbackStatus() != null) {
        cb.put("status", q.callbackStatus());
      }
    }
    return n;
  }

  private static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
