package dev.kiln.gateway.invoke;

import dev.kiln.gateway.auth.ApiKey;
import dev.kiln.gateway.auth.ApiKeys;
import dev.kiln.gateway.auth.FunctionAccess;
import dev.kiln.gateway.functions.FunctionAccessChanged;
import dev.kiln.gateway.functions.FunctionChanged;
import dev.kiln.gateway.functions.Functions;
import dev.kiln.gateway.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the function a call is for and checks that the caller may invoke it.
 *
 * <p>What a call needs of a function (its row and current version) is kept in memory for at most
 * {@link #CACHE_TTL_NANOS} and dropped as soon as a change to the function commits, so that a warm
 * call costs no database round trip. Another control plane sharing the database can make a change
 * that this one sees only when the entry expires, a second later at most.
 */
@ApplicationScoped
public class Invoker {

  /** How long a function looked up for invoking is used without asking the database again. */
  static final long CACHE_TTL_NANOS = 1_000_000_000L;

  private record Cached(Functions.Invocable invocable, long loadedAt) {}

  private final Functions functions;
  private final ApiKeys keys;
  private final FunctionAccess access;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

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
    Functions.Invocable fn = invocable(name);
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

  /** The function as {@link Functions#invocable} gives it, from the cache while that is fresh. */
  Functions.Invocable invocable(String name) {
    long now = System.nanoTime();
    Cached cached = cache.get(name);
    if (cached != null && now - cached.loadedAt() < CACHE_TTL_NANOS) {
      return cached.invocable();
    }
    Functions.Invocable loaded = functions.invocable(name);
    cache.put(name, new Cached(loaded, now));
    return loaded;
  }

  void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) FunctionChanged change) {
    cache.remove(change.name());
  }

  void onAccessChange(
      @Observes(during = TransactionPhase.AFTER_SUCCESS) FunctionAccessChanged change) {
    cache.remove(change.name());
  }
}
