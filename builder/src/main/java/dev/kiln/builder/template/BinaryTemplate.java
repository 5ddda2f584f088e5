package dev.kiln.builder.template;

import dev.kiln.builder.base.BaseImage;
import dev.kiln.builder.build.BuildStep;
import dev.kiln.builder.context.BuildContext;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.Runtime;
import dev.kiln.image.layer.LayerBuilder;
import java.util.List;
import java.util.Optional;

/**
 * A function that is an executable serving the Kiln function protocol itself. The handler is its
 * path in the function directory. It gets the minimal base (no language runtime), so it should be
 * statically linked.
 */
final class BinaryTemplate extends FunctionTemplate {

  BinaryTemplate() {
    super(Runtime.BINARY);
  }

  @Override
  Optional<BuildStep> runnerLayer(BaseImage base) {
    return Optional.empty();
  }

  @Override
  List<BuildStep> functionLayers(FunctionSpec spec, BuildContext context) {
    String handler = spec.handler();
    if (!context.hasFile(handler)) {
      throw new TemplateException("handler '" + handler + "' does not exist in " + context.root());
    }
    boolean executable =
        context.files().stream()
            .anyMatch(f -> f.relativePath().equals(handler) && (f.mode() & 0100) != 0);
    if (!executable) {
      throw new TemplateException(
          "handler '" + handler + "' is not executable: chmod +x " + handler);
    }
    return List.of(
        new BuildStep.AddLayer(
            "COPY . " + ImagePaths.FUNCTION_DIR + "/",
            "function code",
            context
                .filter(p -> !isBuildMetadata(p))
                .addTo(LayerBuilder.create(), ImagePaths.FUNCTION_DIR)));
  }

  @Override
  List<String> entrypoint(BaseImage base, FunctionSpec spec) {
    return spec == null ? List.of() : List.of(ImagePaths.FUNCTION_DIR + "/" + spec.handler());
  }
}
