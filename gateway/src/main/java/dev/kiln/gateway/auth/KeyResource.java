package dev.kiln.gateway.auth;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /v1/keys}: API keys, for admins. */
@Path("/v1/keys")
@Tag(name = "keys", description = "API keys (admin scope)")
public class KeyResource {

  private final ApiKeys keys;

  KeyResource(ApiKeys keys) {
    this.keys = keys;
  }

  /**
   * What {@code POST /v1/keys} takes.
   *
   * @param name what the key is for
   * @param scopes admin, deploy and/or invoke; default invoke
   */
  public record NewKey(String name, List<String> scopes) {}

  /**
   * A key as listed; the key itself is never shown again after creation.
   *
   * @param id its id, for {@code DELETE /v1/keys/{id}}
   * @param name its name
   * @param prefix its first characters
   * @param scopes its scopes
   * @param created when it was created
   * @param lastUsed when it was last used (to the minute), or null
   * @param revoked when it was revoked, or null
   * @param key the key, only in the answer to {@code POST}
   */
  @com.fasterxml.jackson.annotation.JsonInclude(
      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record KeyView(
      long id,
      String name,
      String prefix,
      List<String> scopes,
      Instant created,
      Instant lastUsed,
      Instant revoked,
      String key) {

    static KeyView of(ApiKey k, String plain) {
      return new KeyView(
          k.id,
          k.name,
          k.prefix,
          k.scopeSet().stream().map(Scope::id).toList(),
          k.created,
          k.lastUsed,
          k.revoked,
          plain);
    }
  }

  /** Creates a key and returns it, once. */
  @POST
  @Operation(summary = "Create an API key; the answer holds the key, shown only this once")
  public Response create(NewKey request) {
    if (request == null) {
      throw new IllegalArgumentException(
          "send a JSON body such as {\"name\": \"ci\", \"scopes\": [\"deploy\"]}");
    }
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    if (request.scopes() == null || request.scopes().isEmpty()) {
      scopes.add(Scope.INVOKE);
    } else {
      request.scopes().forEach(s -> scopes.add(Scope.parse(s)));
    }
    ApiKeys.Created created = keys.create(request.name(), scopes);
    return Response.created(URI.create("/v1/keys/" + created.key().id))
        .type(MediaType.APPLICATION_JSON)
        .entity(KeyView.of(created.key(), created.plain()))
        .build();
  }

  /** Every key, without the keys themselves. */
  @GET
  @Operation(summary = "List API keys")
  public List<KeyView> list() {
    return keys.list().stream().map(k -> KeyView.of(k, null)).toList();
  }

  /** Revokes a key. */
  @DELETE
  @Path("/{id}")
  @Operation(summary = "Revoke an API key")
  public KeyView revoke(@PathParam("id") long id) {
    return KeyView.of(keys.revoke(id), null);
  }
}
