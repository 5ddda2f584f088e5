package dev.kiln.gateway.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;

/**
 * An error as the API returns it: an RFC 9457 problem document, sent as {@code
 * application/problem+json}.
 *
 * @param type a URI naming the kind of problem, {@code https://kiln.dev/problems/<slug>}
 * @param title a short summary of the kind, the same for every problem of that type
 * @param status the HTTP status
 * @param detail what went wrong this time, in words a person understands
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457: Problem Details for HTTP APIs</a>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail) {

  /** The media type of a problem document. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /** Where problem types live; the slug follows. */
  public static final String TYPE_BASE = "https://kiln.dev/problems/";

  /** A problem of type {@code slug}. */
  public static Problem of(int status, String slug, String title, String detail) {
    return new Problem(TYPE_BASE + slug, title, status, detail);
  }

  /** This problem as a response. */
  public Response toResponse() {
    return Response.status(status).type(MEDIA_TYPE).entity(this).build();
  }
}
