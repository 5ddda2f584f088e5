package dev.kiln.gateway.functions;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import dev.kiln.image.oci.ImageConfig;
import java.util.List;
import java.util.Map;

/**
 * A function spec for an image that came without a {@code kiln.yaml} (a Kilnfile build, or an image
 * reference deployed without a spec): the runtime and handler the image's environment declares
 * ({@code KILN_RUNTIME}, {@code KILN_HANDLER}), else a binary whose handler is its entrypoint;
 * default limits.
 */
final class ImageSpecs {

  private ImageSpecs() {}

  static FunctionSpec fromConfig(String name, ImageConfig config) {
    ImageConfig.RunConfig run = config.config();
    String runtimeId = env(run.env(), "KILN_RUNTIME");
    if (runtimeId == null) {
      runtimeId = run.labels().get("dev.kiln.runtime");
    }
    Runtime runtime = runtimeId == null ? Runtime.BINARY : Runtime.parse(runtimeId);
    String handler = env(run.env(), "KILN_HANDLER");
    if (handler == null) {
      List<String> entry = run.entrypoint() != null ? run.entrypoint() : run.cmd();
      handler = entry == null || entry.isEmpty() ? "entrypoint" : String.join(" ", entry);
    }
    return new FunctionSpec(name, runtime, handler, Limits.DEFAULT, Map.of());
  }

  private static String env(List<String> env, String name) {
    String value = null;
    for (String e : env) {
      if (e.startsWith(name + "=")) {
        value = e.substring(name.length() + 1);
      }
    }
    return value == null || value.isBlank() ? null : value;
  }
}
