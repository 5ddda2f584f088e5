package dev.kiln.gateway.functions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/** What the functions API returns and accepts. */
public final class Views {

  private Views() {}

  /**
   * A function.
   *
   * @param name its name
   * @param currentVersion the version invocations use
   * @param isPublic whether anyone may invoke it without a key
   * @param url where it is invoked
   * @param runtime the current version's runtime
   * @param image the current version's image in the control plane's store
   * @param digest that image's manifest digest
   * @param scaling how its containers scale
   * @param created when it was first deployed
   * @param updated when it last changed
   */
  public record FunctionView(
      String name,
      Integer currentVersion,
      @JsonProperty("public") boolean isPublic,
      String url,
      String runtime,
      String image,
      String digest,
      Scaling scaling,
      Instant created,
      Instant updated) {}

  /**
   * How a function's containers scale; in a {@code PATCH} or as deploy query parameters, settings
   * left out keep their values.
   *
   * @param concurrency invocations one container serves at once (default 1)
   * @param minScale containers kept warm even when idle (default 0)
   * @param maxScale most containers at once (default 10); beyond it calls queue, then get 429
   * @param keepAliveSeconds how long an idle container is kept (default 600)
   * @param queueSize calls that may wait at maxScale (default 100)
   */
  public record Scaling(
      Integer concurrency,
      Integer minScale,
      Integer maxScale,
      Integer keepAliveSeconds,
      Integer queueSize) {

    /** True when no setting is given. */
    public boolean isEmpty() {
      return concurrency == null
          && minScale == null
          && maxScale == null
          && keepAliveSeconds == null
          && queueSize == null;
    }
  }

  /**
   * A version of a function.
   *
   * @param function the function's name
   * @param version the version number
   * @param current whether it is the current version
   * @param spec its spec, with kiln.yaml's keys
   * @param image its image in the control plane's store ({@code name:version}); pull it from the
   *     built-in registry at {@code /v2/}
   * @param digest the image's manifest digest
   * @param source {@code archive} or {@code image}
   * @param created when it was deployed
   * @param url where the function is invoked
   * @param build for a version just built from an archive: the build
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record VersionView(
      String function,
      int version,
      boolean current,
      JsonNode spec,
      String image,
      String digest,
      String source,
      Instant created,
      String url,
      BuildSummary build) {}

  /**
   * What a build did.
   *
   * @param id the build's id ({@code /v1/builds/{id}})
   * @param layers the image's layers
   * @param layersBuilt how many of them were built rather than reused
   */
  public record BuildSummary(UUID id, int layers, int layersBuilt) {}

  /**
   * The answer to an asynchronous deploy ({@code Prefer: respond-async}).
   *
   * @param build the build's id
   * @param function the function being built
   * @param status {@code running}
   * @param events where its progress streams
   */
  public record Accepted(UUID build, String function, String status, String events) {}

  /**
   * {@code PATCH /v1/functions/{name}}.
   *
   * @param isPublic make the function public (true) or key-protected (false)
   * @param scaling new scaling settings
   */
  public record FunctionPatch(@JsonProperty("public") Boolean isPublic, Scaling scaling) {}

  /**
   * {@code POST /v1/functions/{name}/rollback}.
   *
   * @param version the version to make current
   */
  public record Rollback(Integer version) {}

  /**
   * {@code POST /v1/functions/{name}/versions}: deploy an image from a registry.
   *
   * @param image the reference, e.g. {@code registry.example.com/team/resize:3}
   * @param spec the spec, kiln.yaml's keys as JSON; optional: without it, the image's own {@code
   *     KILN_RUNTIME}/{@code KILN_HANDLER} and default limits
   */
  public record ImageDeploy(String image, JsonNode spec) {}
}
