package dev.kiln.gateway.invoke;

import dev.kiln.gateway.auth.ApiKey;
import dev.kiln.gateway.auth.ApiKeys;
import dev.kiln.gateway.auth.FunctionAccess;
import dev.kiln.gateway.functions.Functions;
import dev.kiln.gateway.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Finds the function a call is for and checks that the caller may invoke it. */
@ApplicationScoped
public class Invoker {

  private final Functions functions;
  private final ApiKeys keys;
  private final FunctionAccess access;

  Invoker(Functions functions, ApiKeys keys, FunctionAccess access) {
    this.functions = functions;
    this.keys = keys;
    this.access = access;
  }

  /**
   * The function {@code name}, if {@code authorization} may invoke it: public functions need no
   * key; others a valid key of any scope (401 otherwise). 404 when there is no such function.
   */
  public Functions.Invocable authorize(String name, String authorization) {
    Functions.Invocable fn = functions.invocable(name);
    if (fn.function().isPublic) {
      return fn;
    }
    Optional<ApiKey> key = Optional.empty();
    if (authorization != null && authorization.strip().regionMatches(true, 0, "Bearer ", 0, 7)) {
      key = keys.authenticate(authorization.strip().substring(7).strip());
    }
    if (!access.canInvoke(fn.function(), key)) {
      throw ApiException.unauthorized(
          authorization == null
              ? "function '"
                  + name
                  + "' is not public: send 'Authorization: Bearer kiln_...' with a key of any"
                  + " scope"
              : "the API key is not valid for invoking '" + name + "': unknown or revoked");
    }
    return fn;
  }
}
