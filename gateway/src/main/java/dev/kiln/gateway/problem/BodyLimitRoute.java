package dev.kiln.gateway.problem;

import dev.kiln.gateway.boot.KilnConfig;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses a request whose {@code Content-Length} exceeds {@code kiln.http.max-body-size} with a 413
 * problem document, just before Quarkus's own limit check (which would answer with an empty body).
 * Bodies without a length are cut off by Quarkus at the same limit.
 */
@ApplicationScoped
public class BodyLimitRoute {

  void install(@Observes Router router, KilnConfig config) {
    long limit = config.http().maxBodySize().asLongValue();
    byte[] body =
        ("{\"type\":\""
                + Problem.TYPE_BASE
                + "too-large\",\"title\":\"Request body too large\",\"status\":413,"
                + "\"detail\":\"the request body is larger than the limit of "
                + limit
                + " bytes (kiln.http.max-body-size)\"}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    router
        .route()
        .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
        .handler(
            ctx -> {
              String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
              if (length != null && parse(length) > limit) {
                // Read and drop the body rather than cutting the connection: a client still
                // sending would see a broken pipe instead of this answer.
                ctx.request().handler(ignored -> {});
                ctx.request().resume();
                ctx.response()
                    .setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(io.vertx.core.buffer.Buffer.buffer(body));
                return;
              }
              ctx.next();
            });
  }

  private static long parse(String length) {
    try {
      return Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
