package dev.kiln.node.cell;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import dev.kiln.common.http.HttpRequest;
import dev.kiln.common.http.HttpResponse;
import dev.kiln.common.node.NodeException;
import dev.kiln.node.launch.Container;
import dev.kiln.node.launch.LoadedImage;
import dev.kiln.node.rootfs.OverlayMounter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** A waiting stem cell: a running container of a runtime image, its runner not yet initialised. */
public final class StemCell {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Runtime runtime;
  private final LoadedImage runtimeImage;
  private final Container container;
  private final Path fnDir;
  private final Instant startedAt;
  private final Duration startup;

  StemCell(
      Runtime runtime,
      LoadedImage runtimeImage,
      Container container,
      Path fnDir,
      Instant startedAt,
      Duration startup) {
    this.runtime = runtime;
    this.runtimeImage = runtimeImage;
    this.container = container;
    this.fnDir = fnDir;
    this.startedAt = startedAt;
    this.startup = startup;
  }

  /** The cell's container id. */
  public String id() {
    return container.id();
  }

  /** The runtime of the cell. */
  public Runtime runtime() {
    return runtime;
  }

  /** The runtime image the cell runs. */
  public LoadedImage runtimeImage() {
    return runtimeImage;
  }

  /** The cell's container. */
  public Container container() {
    return container;
  }

  /** When the cell was started. */
  public Instant startedAt() {
    return startedAt;
  }

  /** How long the cell took to start (a fresh launch of the runtime image). */
  public Duration startup() {
    return startup;
  }

  /** Whether a function image can run in this cell; see {@link CellFit}. */
  public CellFit fit(LoadedImage functionImage) {
    return CellFit.check(runtimeImage, functionImage);
  }

  /**
   * Turns the cell into a container of the function: mounts its code on the cell's {@code
   * /opt/kiln/function}, applies its memory and pids limits, sends {@code POST /init}, then applies
   * its CPU quota. When this fails the cell is spoilt; the caller removes it.
   *
   * @param fits the result of {@link #fit} for the function's image
   * @param env the function's environment, see {@link #initEnv}
   * @throws NodeException when the code cannot be mounted or the runner refuses {@code /init}
   */
  public void specialise(
      OverlayMounter overlays,
      FunctionSpec spec,
      CellFit.Fits fits,
      Map<String, String> env,
      Duration initTimeout) {
    try {
      CodeMounts.mountCode(overlays, "kiln-code-" + id(), fnDir, fits.codeDirsTopFirst());
    } catch (IOException | RuntimeException e) {
      throw new NodeException(
          502,
          "stem cell "
              + id()
              + ": cannot mount the code of '"
              + spec.name()
              + "': "
              + e.getMessage(),
          e);
    }
    // Memory and pids bind from the start, so loading the handler cannot exceed them. The CPU
    // quota waits until /init has answered: loading and linking the handler is Kiln's cold
    // start, not the function's work, and a JVM throttled to half a core needs several times
    // longer to load its classes.
    Limits cellLimits = container.limits();
    container.applyLimits(
        spec.limits().withCpuMillis(Math.max(spec.limits().cpuMillis(), cellLimits.cpuMillis())));
    HttpResponse response;
    try {
      byte[] body = JSON.writeValueAsBytes(initBody(spec.handler(), env));
      response =
          container
              .client()
              .send(
                  HttpRequest.post("/init", body).header("Content-Type", "application/json"),
                  initTimeout);
    } catch (IOException e) {
      throw new NodeException(
          502,
          "stem cell "
              + id()
              + ": POST /init for function '"
              + spec.name()
              + "' failed: "
              + e.getMessage()
              + "; its output:\n"
              + container.logs().tail(2048),
          e);
    }
    if (response.status() != 200) {
      throw new NodeException(
          response.status() == 422 ? 422 : 502,
          "stem cell "
              + id()
              + ": the runner refused function '"
              + spec.name()
              + "' ("
              + response.status()
              + "): "
              + errorOf(response));
    }
    container.applyLimits(spec.limits());
  }

  static ObjectNode initBody(String handler, Map<String, String> env) {
    ObjectNode body = JSON.createObjectNode();
    body.put("handler", handler);
    body.put("codeDir", CellFit.CODE_DIR);
    ObjectNode e = body.putObject("env");
    new TreeMap<>(env).forEach(e::put);
    return body;
  }

  /**
   * The environment a function gets through {@code /init}: what its image sets beyond the runtime
   * image (a Kilnfile's {@code ENV}, kiln.yaml's {@code env:}), then the spec's own variables. The
   * platform's {@code KILN_*} variables stay out: the runner already has its own.
   */
  public static Map<String, String> initEnv(
      LoadedImage runtimeImage, LoadedImage functionImage, FunctionSpec spec) {
    Map<String, String> base = runtimeImage.env();
    Map<String, String> env = new TreeMap<>();
    functionImage
        .env()
        .forEach(
            (name, value) -> {
              if (!name.startsWith("KILN_") && !value.equals(base.get(name))) {
                env.put(name, value);
              }
            });
    env.putAll(spec.env());
    return env;
  }

  private static String errorOf(HttpResponse response) {
    try {
      return JSON.readTree(response.body()).path("error").asText(response.bodyAsString());
    } catch (IOException notJson) {
      return response.bodyAsString();
    }
  }

  /** Removes the cell: kills its processes, unmounts its code and rootfs, deletes its files. */
  public void remove() {
    container.remove();
  }
}
