package dev.kiln.gateway.invoke;

import dev.kiln.scheduler.Scheduler;
import dev.kiln.scheduler.api.Snapshot;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /v1/cluster}: what the scheduler holds now, nodes and functions' pools. */
@Path("/v1/cluster")
@Tag(name = "cluster", description = "Nodes and containers")
public class ClusterResource {

  private final Scheduler scheduler;

  ClusterResource(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Nodes (capacity, reserved memory, containers, last heartbeat) and each function's pool. */
  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "The scheduler's view: nodes and containers")
  public Snapshot get() {
    return scheduler.snapshot();
  }
}
