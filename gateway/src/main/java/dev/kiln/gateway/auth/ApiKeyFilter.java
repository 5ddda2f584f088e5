package dev.kiln.gateway.auth;

import dev.kiln.gateway.problem.ApiException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Checks {@code Authorization: Bearer kiln_...} on {@code /v1/}: any valid key may read, writes
 * need the admin or deploy scope, writes to {@code /v1/nodes} the admin or node scope, and {@code
 * /v1/keys} needs admin. Runs on the endpoint's worker thread, since it reads the database.
 */
public class ApiKeyFilter {

  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final ApiKeys keys;
  private final Caller caller;

  ApiKeyFilter(ApiKeys keys, Caller caller) {
    this.keys = keys;
    this.caller = caller;
  }

  @ServerRequestFilter
  Optional<Response> check(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!path.equals("/v1") && !path.startsWith("/v1/")) {
      return Optional.empty();
    }
    try {
      ApiKey key = authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION));
      authorize(key, request.getMethod(), path);
      caller.authenticated(key);
      return Optional.empty();
    } catch (ApiException e) {
      Response.ResponseBuilder r = Response.fromResponse(e.problem().toResponse());
      if (e.status() == 401) {
        r.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"kiln\"");
      }
      return Optional.of(r.build());
    }
  }

  private ApiKey authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw ApiException.unauthorized(
          "this endpoint needs an API key: send 'Authorization: Bearer kiln_...' (the admin key"
              + " is printed on first start and saved in ~/.kiln/cli.json)");
    }
    String value = authorization.strip();
    if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ApiException.unauthorized(
          "the Authorization header must be 'Bearer kiln_...', not another scheme");
    }
    return keys.authenticate(value.substring(7).strip())
        .orElseThrow(
            () -> ApiException.unauthorized("the API key is not valid: unknown or revoked"));
  }

  private static void authorize(ApiKey key, String method, String path) {
    Set<Scope> scopes = key.scopeSet();
    if (path.equals("/v1/keys") || path.startsWith("/v1/keys/")) {
      if (!scopes.contains(Scope.ADMIN)) {
        throw ApiException.forbidden(
            "managing API keys needs a key with the admin scope; this key has: "
                + Scope.toList(scopes));
      }
    } else if (path.equals("/v1/nodes") || path.startsWith("/v1/nodes/")) {
      if (WRITES.contains(method) && !key.allows(Scope.NODE)) {
        throw ApiException.forbidden(
            method
                + " "
                + path
                + " needs a key with the admin or node scope; this key has: "
                + Scope.toList(scopes));
      }
    } else if (WRITES.contains(method) && !key.allows(Scope.DEPLOY)) {
      throw ApiException.forbidden(
          method
              + " "
              + path
              + " needs a key with the admin or deploy scope; this key has: "
              + Scope.toList(scopes));
    }
  }
}
