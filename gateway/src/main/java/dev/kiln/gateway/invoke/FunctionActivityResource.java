package dev.kiln.gateway.invoke;

import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.NodeApi;
import dev.kiln.gateway.functions.Functions;
import dev.kiln.scheduler.Scheduler;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What a function did lately: its recent invocations and its containers' output. */
@Path("/v1/functions/{name}")
@Tag(name = "functions", description = "Functions and their immutable versions")
public class FunctionActivityResource {

  private final Functions functions;
  private final RecentInvocations recent;
  private final Scheduler scheduler;

  FunctionActivityResource(Functions functions, RecentInvocations recent, Scheduler scheduler) {
    this.functions = functions;
    this.recent = recent;
    this.scheduler = scheduler;
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

  /**
   * The tail of the stdout and stderr of the function's containers on every node in service: the
   * in-process node and the joined ones (through their agents). A node that cannot answer is named
   * with its error instead of failing the whole answer.
   */
  @GET
  @Path("/logs")
  @Produces(MediaType.TEXT_PLAIN)
  @Operation(summary = "Output of a function's containers")
  public String logs(
      @PathParam("name") String name, @QueryParam("bytes") @DefaultValue("65536") int bytes) {
    functions.get(name);
    int max = Math.max(1024, Math.min(bytes, 1024 * 1024));
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, NodeApi> node : scheduler.nodes().entrySet()) {
      try {
        for (ContainerInfo c : node.getValue().containers()) {
          if (name.equals(c.function())) {
            out.append("==> container ")
                .append(c.id())
                .append(" on node ")
                .append(node.getKey())
                .append(" (version ")
                .append(c.version())
                .append(") <==\n")
                .append(node.getValue().logs(c.id(), max));
            if (out.charAt(out.length() - 1) != '\n') {
              out.append('\n');
            }
          }
        }
      } catch (RuntimeException e) {
        out.append("==> node ")
            .append(node.getKey())
            .append(": cannot read its logs: ")
            .append(e.getMessage())
            .append(" <==\n");
      }
    }
    return out.toString();
  }
}
