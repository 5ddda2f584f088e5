package dev.kiln.gateway.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.gateway.problem.ApiException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /v1/invocations}: asynchronous invocations, their results and errors. */
@Path("/v1/invocations")
@Tag(name = "invoke", description = "Invoking functions")
public class InvocationsResource {

  private final AsyncQueue queue;

  InvocationsResource(AsyncQueue queue) {
    this.queue = queue;
  }

  /** One queued invocation: status, attempts, timestamps, result or error. */
  @GET
  @Path("/{id}")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Get an asynchronous invocation")
  public JsonNode one(@PathParam("id") String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("there is no invocation '" + id + "'");
    }
    return AsyncResource.view(
        queue
            .find(uuid)
            .orElseThrow(() -> ApiException.notFound("there is no invocation '" + id + "'")));
  }

  /** Queued invocations, newest first. */
  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "List asynchronous invocations (?status=failed&function=NAME)")
  public List<JsonNode> list(
      @QueryParam("status") String status,
      @QueryParam("function") String function,
      @QueryParam("limit") @DefaultValue("100") int limit) {
    return queue.list(status, function, limit).stream().<JsonNode>map(AsyncResource::view).toList();
  }
}
