package dev.kiln.gateway.problem;

import dev.kiln.builder.base.BaseBuildException;
import dev.kiln.builder.context.BuildContextException;
import dev.kiln.builder.kilnfile.KilnfileException;
import dev.kiln.builder.spec.SpecException;
import dev.kiln.builder.template.TemplateException;
import dev.kiln.image.registry.ImageNotFoundException;
import dev.kiln.image.registry.RegistryException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into a {@link Problem}: the caller always gets {@code
 * application/problem+json} with a {@code detail} that says what went wrong and what to do.
 */
public final class ProblemMappers {

  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  /** Kiln's own API failures carry their status. */
  @ServerExceptionMapper
  public Response api(ApiException e) {
    return e.problem().toResponse();
  }

  /** A {@code kiln.yaml} (or a JSON spec) that is not a valid function spec. */
  @ServerExceptionMapper
  public Response spec(SpecException e) {
    return Problem.of(422, "invalid-spec", "Invalid function spec", e.getMessage()).toResponse();
  }

  /** A Kilnfile, runtime template or Java source that does not build. */
  @ServerExceptionMapper({KilnfileException.class, TemplateException.class})
  public Response build(RuntimeException e) {
    return Problem.of(422, "build-failed", "The function does not build", e.getMessage())
        .toResponse();
  }

  /** A function directory holding something Kiln will not put into an image. */
  @ServerExceptionMapper
  public Response context(BuildContextException e) {
    return Problem.of(400, "bad-archive", "Unacceptable function archive", e.getMessage())
        .toResponse();
  }

  /** The host cannot provide a base runtime (python, node, java). */
  @ServerExceptionMapper
  public Response base(BaseBuildException e) {
    return Problem.of(500, "base-runtime", "Base runtime unavailable", e.getMessage()).toResponse();
  }

  /** An image reference that its registry does not know. */
  @ServerExceptionMapper
  public Response imageNotFound(ImageNotFoundException e) {
    return Problem.of(422, "image-not-found", "Image not found", e.getMessage()).toResponse();
  }

  /** Another registry refused or failed. */
  @ServerExceptionMapper
  public Response registry(RegistryException e) {
    return Problem.of(502, "registry-failed", "Registry request failed", e.getMessage())
        .toResponse();
  }

  /** Validation by the common records ({@code Limits}, {@code ImageRef}, ...) and the like. */
  @ServerExceptionMapper
  public Response invalid(IllegalArgumentException e) {
    return Problem.of(400, "bad-request", "Bad request", e.getMessage()).toResponse();
  }

  /** A request body that is not the JSON expected. */
  @ServerExceptionMapper
  public Response json(com.fasterxml.jackson.core.JsonProcessingException e) {
    return Problem.of(
            400,
            "bad-request",
            "Bad request",
            "the request body is not the JSON expected: " + e.getOriginalMessage())
        .toResponse();
  }

  /** JAX-RS's own errors: unknown path, wrong method, unsupported media type. */
  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    Response.Status s = Response.Status.fromStatusCode(status);
    String title = s != null ? s.getReasonPhrase() : "HTTP " + status;
    String slug = title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
    return Problem.of(status, slug, title, e.getMessage()).toResponse();
  }

  /** Anything else is Kiln's fault: logged in full, reported briefly. */
  @ServerExceptionMapper
  public Response unexpected(Exception e) {
    LOG.error("request failed", e);
    return Problem.of(
            500,
            "internal",
            "Internal error",
            "Kiln failed: " + e.getClass().getSimpleName() + ": " + e.getMessage())
        .toResponse();
  }
}
