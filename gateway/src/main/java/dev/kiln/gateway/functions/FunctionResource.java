package dev.kiln.gateway.functions;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /v1/functions}: deploy, list, inspect, roll back and delete functions. */
@Path("/v1/functions")
@Tag(name = "functions", description = "Functions and their immutable versions")
public class FunctionResource {

  /** Media types accepted for a function archive. */
  static final String GZIP = "application/gzip";

  private final DeployService deploys;
  private final Functions functions;

  FunctionResource(DeployService deploys, Functions functions) {
    this.deploys = deploys;
    this.functions = functions;
  }

  /**
   * Deploys a function from a {@code .tar.gz} of its directory ({@code kiln.yaml} or {@code
   * Kilnfile} at the top). Blocks until the build ends and answers 201 with the new version; with
   * {@code Prefer: respond-async}, answers 202 at once with the build's id, whose progress streams
   * at {@code /v1/builds/{id}/events}.
   */
  @POST
  @Consumes({GZIP, "application/x-gzip", "application/x-tar+gzip", "application/octet-stream"})
  @Operation(summary = "Deploy a function from a .tar.gz of its directory")
  public Response deploy(
      InputStream archive,
      @QueryParam("name") String name,
      @HeaderParam("Prefer") String prefer,
      @QueryParam("concurrency") Integer concurrency,
      @QueryParam("minScale") Integer minScale,
      @QueryParam("maxScale") Integer maxScale,
      @QueryParam("keepAliveSeconds") Integer keepAliveSeconds,
      @QueryParam("queueSize") Integer queueSize)
      throws Exception {
    Views.Scaling scaling =
        new Views.Scaling(concurrency, minScale, maxScale, keepAliveSeconds, queueSize);
    DeployService.Started started = deploys.deployArchive(archive, name, scaling);
    if (prefer != null && prefer.toLowerCase(java.util.Locale.ROOT).contains("respond-async")) {
      String build = "/v1/builds/" + started.build();
      return Response.accepted(
              new Views.Accepted(started.build(), started.function(), "running", build + "/events"))
          .location(URI.create(build))
          .header("Preference-Applied", "respond-async")
          .type(MediaType.APPLICATION_JSON)
          .build();
    }
    Views.VersionView v = DeployService.await(started.result());
    return created(v);
  }

  /** Every function. */
  @GET
  @Operation(summary = "List functions")
  public List<Views.FunctionView> list() {
    return functions.list();
  }

  /** One function. */
  @GET
  @Path("/{name}")
  @Operation(summary = "Get a function")
  public Views.FunctionView get(@PathParam("name") String name) {
    return functions.describe(name);
  }

  /**
   * Changes a function's settings: {@code {"public": true}}, {@code {"scaling": {"maxScale": 4}}},
   * or both.
   */
  @PATCH
  @Path("/{name}")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Change a function's settings ({\"public\": true, \"scaling\": {...}})")
  public Views.FunctionView patch(@PathParam("name") String name, Views.FunctionPatch patch) {
    boolean noScaling = patch == null || patch.scaling() == null || patch.scaling().isEmpty();
    if (patch == null || (patch.isPublic() == null && noScaling)) {
      throw new IllegalArgumentException(
          "send a JSON body such as {\"public\": true} or {\"scaling\": {\"maxScale\": 4}}");
    }
    Views.FunctionView view = null;
    if (!noScaling) {
      view = functions.setScaling(name, patch.scaling());
    }
    if (patch.isPublic() != null) {
      view = functions.setPublic(name, patch.isPublic());
    }
    return view;
  }

  /** Deletes a function and all its versions. */
  @DELETE
  @Path("/{name}")
  @Operation(summary = "Delete a function and its versions")
  public Response delete(@PathParam("name") String name) {
    functions.delete(name);
    return Response.noContent().build();
  }

  /** The versions of a function, oldest first. */
  @GET
  @Path("/{name}/versions")
  @Operation(summary = "List a function's versions")
  public List<Views.VersionView> versions(@PathParam("name") String name) {
    return functions.versions(name);
  }

  /** One version. */
  @GET
  @Path("/{name}/versions/{version}")
  @Operation(summary = "Get one version of a function")
  public Views.VersionView version(
      @PathParam("name") String name, @PathParam("version") int version) {
    return functions.version(name, version);
  }

  /** Deploys an image from a registry as a new version. */
  @POST
  @Path("/{name}/versions")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Deploy a new version from an image reference")
  public Response deployImage(
      @PathParam("name") String name,
      Views.ImageDeploy request,
      @QueryParam("concurrency") Integer concurrency,
      @QueryParam("minScale") Integer minScale,
      @QueryParam("maxScale") Integer maxScale,
      @QueryParam("keepAliveSeconds") Integer keepAliveSeconds,
      @QueryParam("queueSize") Integer queueSize)
      throws Exception {
    Views.Scaling scaling =
        new Views.Scaling(concurrency, minScale, maxScale, keepAliveSeconds, queueSize);
    return created(deploys.deployImage(name, request, scaling));
  }

  /** Makes an earlier (or later) version current; versions themselves never change. */
  @POST
  @Path("/{name}/rollback")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Make another version current ({\"version\": 1})")
  public Views.FunctionView rollback(@PathParam("name") String name, Views.Rollback request) {
    if (request == null || request.version() == null) {
      throw new IllegalArgumentException("send a JSON body such as {\"version\": 1}");
    }
    return functions.rollback(name, request.version());
  }

  private static Response created(Views.VersionView v) {
    return Response.created(
            URI.create("/v1/functions/" + v.function() + "/versions/" + v.version()))
        .type(MediaType.APPLICATION_JSON)
        .entity(v)
        .build();
  }
}
