package dev.kiln.gateway.builds;

import dev.kiln.gateway.problem.ApiException;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /v1/builds/{id}}: a build's status and its progress as server-sent events. */
@Path("/v1/builds")
@Tag(name = "builds", description = "Builds of function code into images")
public class BuildResource {

  private final Builds builds;

  BuildResource(Builds builds) {
    this.builds = builds;
  }

  /**
   * A build.
   *
   * @param id its id
   * @param function the function built
   * @param status running, succeeded or failed
   * @param version the version it made, once succeeded
   * @param error why it failed
   * @param log its progress lines (complete once it has ended)
   * @param created when it started
   * @param finished when it ended
   */
  public record BuildView(
      UUID id,
      String function,
      String status,
      Integer version,
      String error,
      String log,
      Instant created,
      Instant finished) {}

  /** The build's status. */
  @GET
  @Path("/{id}")
  @Transactional
  @Operation(summary = "Get a build's status and log")
  public BuildView get(@PathParam("id") UUID id) {
    BuildEntity b = find(id);
    String log = builds.progress(id).map(BuildProgress::log).orElse(b.log);
    return new BuildView(
        b.id, b.functionName, b.status, b.version, b.error, log, b.created, b.finished);
  }

  /**
   * The build's progress as server-sent events: every event from the first step (also when
   * subscribing late), ending with {@code done} or {@code failed}. For a build that ended long ago,
   * its stored log lines come as {@code log} events.
   */
  @GET
  @Path("/{id}/events")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Blocking
  @Operation(summary = "Stream a build's progress as server-sent events")
  public Multi<OutboundSseEvent> events(@PathParam("id") UUID id, @Context Sse sse) {
    BuildProgress progress = builds.progress(id).orElse(null);
    if (progress == null) {
      BuildEntity b = findInTransaction(id);
      return Multi.createFrom().iterable(replay(b)).map(e -> toSse(sse, e));
    }
    return Multi.createFrom()
        .<BuildEvent>emitter(
            em -> {
              Runnable unsubscribe =
                  progress.subscribe(
                      e -> {
                        em.emit(e);
                        if (e.isFinal()) {
                          em.complete();
                        }
                      });
              em.onTermination(unsubscribe);
            })
        .map(e -> toSse(sse, e));
  }

  private static java.util.List<BuildEvent> replay(BuildEntity b) {
    java.util.List<BuildEvent> events = new java.util.ArrayList<>();
    if (b.log != null && !b.log.isEmpty()) {
      b.log.lines().forEach(l -> events.add(BuildEvent.line("log", l)));
    }
    switch (b.status) {
      case "succeeded" ->
          events.add(
              new BuildEvent("done", b.functionName + " version " + b.version, b.version, null));
      case "failed" -> events.add(BuildEvent.line("failed", b.error));
      default ->
          events.add(
              BuildEvent.line(
                  "failed", "the build was interrupted: the server restarted while it ran"));
    }
    return events;
  }

  private static OutboundSseEvent toSse(Sse sse, BuildEvent e) {
    return sse.newEventBuilder()
        .name(e.type())
        .mediaType(MediaType.APPLICATION_JSON_TYPE)
        .data(BuildEvent.class, e)
        .build();
  }

  private static BuildEntity findInTransaction(UUID id) {
    return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> find(id));
  }

  private static BuildEntity find(UUID id) {
    BuildEntity b = BuildEntity.findById(id);
    if (b == null) {
      throw ApiException.notFound("there is no build with id " + id);
    }
    return b;
  }
}
