package dev.kiln.gateway.auth;

import dev.kiln.gateway.functions.FunctionEntity;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Who may invoke a function: anyone for a public function; otherwise any valid key, since every
 * scope (admin, deploy, invoke, node) includes invoking.
 */
@ApplicationScoped
public class FunctionAccess {

  /**
   * Whether a caller with {@code key} (empty: no key, or an invalid one) may invoke {@code
   * function}.
   */
  public boolean canInvoke(FunctionEntity function, Optional<ApiKey> key) {
    return function.isPublic || key.filter(k -> k.revoked == null).isPresent();
  }
}
