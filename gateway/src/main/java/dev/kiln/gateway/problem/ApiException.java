package dev.kiln.gateway.problem;

/**
 * A failure the API reports as a {@link Problem}: it carries the status, the problem type and the
 * message shown to the caller as {@code detail}.
 */
public class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String slug;
  private final String title;

  /** A problem with this status, type slug, title and detail message. */
  public ApiException(int status, String slug, String title, String detail) {
    super(detail);
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  /** 404: {@code what} does not exist. */
  public static ApiException notFound(String detail) {
    return new ApiException(404, "not-found", "Not found", detail);
  }

  /** 409: the request conflicts with the current state. */
  public static ApiException conflict(String detail) {
    return new ApiException(409, "conflict", "Conflict", detail);
  }

  /** 400: the request itself is wrong. */
  public static ApiException badRequest(String detail) {
    return new ApiException(400, "bad-request", "Bad request", detail);
  }

  /** 401: no valid API key. */
  public static ApiException unauthorized(String detail) {
    return new ApiException(401, "unauthorized", "Unauthorized", detail);
  }

  /** 403: a valid key without the scope needed. */
  public static ApiException forbidden(String detail) {
    return new ApiException(403, "forbidden", "Forbidden", detail);
  }

  /** 413: the body is larger than allowed. */
  public static ApiException tooLarge(String detail) {
    return new ApiException(413, "too-large", "Request body too large", detail);
  }

  /** The problem document. */
  public Problem problem() {
    return Problem.of(status, slug, title, getMessage());
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }
}
