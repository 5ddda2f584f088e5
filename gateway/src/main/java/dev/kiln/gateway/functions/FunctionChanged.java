package dev.kiln.gateway.functions;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.scheduler.api.FunctionTarget;

/**
 * A CDI event: a function got a new current version (deploy, rollback), new scaling settings, or
 * was deleted. Fired inside the transaction that makes the change; observe it with {@code during =
 * TransactionPhase.AFTER_SUCCESS} to act only on committed changes.
 *
 * @param name the function's name
 * @param target what the scheduler should serve now, or null when the function is gone
 */
public record FunctionChanged(String name, FunctionTarget target) {

  /** The function was deleted. */
  public static FunctionChanged deleted(String name) {
    return new FunctionChanged(name, null);
  }

  /** The target of {@code function}'s current version {@code version}, or null without one. */
  static FunctionTarget targetOf(FunctionEntity function, FunctionVersion version) {
    if (version == null) {
      return null;
    }
    FunctionSpec spec = SpecJson.read(version.spec, "function_versions.spec");
    return new FunctionTarget(
        spec, version.version, ImageRef.parseLocal(version.imageRef), function.scaling());
  }
}
