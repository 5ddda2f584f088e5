package dev.kiln.builder.template;

/** Where things live inside a Kiln function image. Documented in docs/images.md. */
public final class ImagePaths {
  /** The runner program of the function's runtime. */
  public static final String RUNNER_DIR = "/opt/kiln/runner";

  /** The function's code and dependencies; also its working directory. */
  public static final String FUNCTION_DIR = "/opt/kiln/function";

  /** The directory holding the function protocol's Unix socket, mounted by the engine. */
  public static final String SOCKET_DIR = "/run/kiln";

  private ImagePaths() {}
}
