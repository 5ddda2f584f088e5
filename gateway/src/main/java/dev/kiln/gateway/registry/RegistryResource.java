package dev.kiln.gateway.registry;

import dev.kiln.gateway.problem.ApiException;
import dev.kiln.image.registry.RegistryRequest;
import dev.kiln.image.registry.RegistryResponse;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /v2/}: the OCI distribution API of the built-in registry, mounted as a catch-all resource
 * that hands every request to {@link BuiltInRegistry} and streams bodies both ways.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md">OCI
 *     distribution spec</a>
 */
@Path("/v2")
@Tag(name = "registry", description = "The built-in OCI registry (distribution spec)")
public class RegistryResource {

  private static final String ANY = "{path: .*}";

  private final BuiltInRegistry registry;

  RegistryResource(BuiltInRegistry registry) {
    this.registry = registry;
  }

  /** Reads: the base check, manifests, blobs, tag lists, upload status. */
  @GET
  @Path(ANY)
  @Operation(summary = "OCI distribution API: pull")
  public Response get(@Context UriInfo uri, @Context HttpHeaders headers) {
    return handle("GET", uri, headers, null);
  }

  /** Existence checks for manifests and blobs. */
  @HEAD
  @Path(ANY)
  @Operation(summary = "OCI distribution API: existence checks")
  public Response head(@Context UriInfo uri, @Context HttpHeaders headers) {
    return handle("HEAD", uri, headers, null);
  }

  /** Starting an upload, or a mount. */
  @POST
  @Path(ANY)
  @Operation(summary = "OCI distribution API: start an upload")
  public Response post(@Context UriInfo uri, @Context HttpHeaders headers, InputStream body) {
    return handle("POST", uri, headers, body);
  }

  /** Upload chunks. */
  @PATCH
  @Path(ANY)
  @Operation(summary = "OCI distribution API: upload a chunk")
  public Response patch(@Context UriInfo uri, @Context HttpHeaders headers, InputStream body) {
    return handle("PATCH", uri, headers, body);
  }

  /** Finishing an upload, pushing a manifest. */
  @PUT
  @Path(ANY)
  @Operation(summary = "OCI distribution API: finish an upload, push a manifest")
  public Response put(@Context UriInfo uri, @Context HttpHeaders headers, InputStream body) {
    return handle("PUT", uri, headers, body);
  }

  /** Deleting a manifest. */
  @DELETE
  @Path(ANY)
  @Operation(summary = "OCI distribution API: delete a manifest")
  public Response delete(@Context UriInfo uri, @Context HttpHeaders headers) {
    return handle("DELETE", uri, headers, null);
  }

  private Response handle(String method, UriInfo uri, HttpHeaders headers, InputStream body) {
    if (!registry.enabled()) {
      throw ApiException.notFound("this Kiln process does not take the registry role");
    }
    String path = uri.getPath();
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    RegistryResponse r =
        registry.handle(
            new RegistryRequest(
                method,
                path,
                uri.getRequestUri().getRawQuery(),
                headers.getRequestHeaders(),
                body));
    Response.ResponseBuilder b = Response.status(r.status());
    r.headers()
        .forEach(
            (name, value) -> {
              if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                b.header(name, value);
              }
            });
    long length = r.body().length();
    if (method.equals("HEAD")) {
      String announced = r.header(HttpHeaders.CONTENT_LENGTH);
      b.header(HttpHeaders.CONTENT_LENGTH, announced != null ? announced : "0");
    } else if (length > 0) {
      b.header(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
      b.entity((StreamingOutput) out -> r.body().writeTo(out));
    }
    return b.build();
  }
}
