package dev.kiln.gateway.invoke;

import dev.kiln.common.node.ContainerInfo;
import dev.kiln.gateway.functions.Functions;
import dev.kiln.gateway.runtime.SchedulerWiring;
import dev.kiln.node.engine.NodeEngine;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What a function did lately: its recent invocations and its containers' output. */
@Path("/v1/functions/{name}")
@Tag(name = "functions", description = "Functions and their immutable versions")
public class FunctionActivityResource {

  private final Functions functions;
  private final RecentInvocations recent;
  private final SchedulerWiring wiring;

  FunctionActivityResource(Functions functions, RecentInvocations recent, SchedulerWiring wiring) {
    this.functions = functions;
    this.recent = recent;
    this.wiring = wiring;
  }

  /** The last invocations of the function in this process, newest first (kept in memory). */
  @GET
  @Path("/invocations")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Recent invocations of a function")
  public List<RecentInvocations.Record> invocations(@PathParam("name") String name) {
    functions.get(name);
    return recent.of(name);
  }

  /** The tail of the stdout and stderr of the function's containers on this process's node. */
  @GET
  @Path("/logs")
  @Produces(MediaType.TEXT_PLAIN)
  @Operation(summary = "Output of a function's containers")
  public String logs(
      @PathParam("name") String name, @QueryParam("bytes") @DefaultValue("65536") int bytes) {
    functions.get(name);
    Optional<NodeEngine> node = wiring.node();
    if (node.isEmpty()) {
      return "";
    }
    int max = Math.max(1024, Math.min(bytes, 1024 * 1024));
    StringBuilder out = new StringBuilder();
    for (ContainerInfo c : node.get().containers()) {
      if (name.equals(c.function())) {
        out.append("==> container ")
            .append(c.id())
            .append(" (version ")
            .append(c.version())
            .append(") <==\n")
            .append(node.get().logs(c.id(), max));
        if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
          out.append('\n');
        }
      }
    }
    return out.toString();
  }
}
