package dev.kiln.image.registry;

import dev.kiln.image.oci.OciJson;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Serves an {@link ImageStore} as an OCI distribution ({@code /v2/}) registry, independent of any
 * HTTP server: the caller turns its request into a {@link RegistryRequest} and sends back the
 * {@link RegistryResponse}. {@link RegistryServer} does that on the JDK's HTTP server; the gateway
 * mounts it on its own. Thread-safe.
 *
 * <p>Blobs are shared by all repositories (one store), tags are the store's image names ({@code
 * <repository>:<tag>}), and pushed manifests must refer only to blobs already pushed.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md">OCI
 *     distribution spec</a>
 */
public final class RegistryHandler {

  /** How long an upload may sit idle before it is dropped. */
  public static final Duration UPLOAD_EXPIRY = Duration.ofHours(1);

  private static final Map<String, String> API_VERSION =
      Map.of("Docker-Distribution-API-Version", "registry/2.0");

  private final Predicate<RegistryRequest> authorized;
  private final BlobEndpoints blobs;
  private final ManifestEndpoints manifests;

  /** A registry over {@code store} that anyone may use. */
  public RegistryHandler(ImageStore store) {
    this(store, request -> true);
  }

  /**
   * A registry over {@code store} that answers only requests {@code authorized} accepts; others get
   * 401 with a Basic challenge. See {@link #basicAuth(String, String)}.
   */
  public RegistryHandler(ImageStore store, Predicate<RegistryRequest> authorized) {
    this.authorized = authorized;
    this.blobs =
        new BlobEndpoints(
            store,
            new UploadSessions(
                store.root().resolve(".kiln-tmp"), UPLOAD_EXPIRY, Clock.systemUTC()));
    this.manifests = new ManifestEndpoints(store);
  }

  /** Accepts requests with HTTP Basic credentials {@code username}/{@code password}. */
  public static Predicate<RegistryRequest> basicAuth(String username, String password) {
    byte[] expected =
        ("Basic "
                + Base64.getEncoder()
                    .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)))
            .getBytes(StandardCharsets.UTF_8);
    return request -> {
      Optional<String> header = request.header("Authorization");
      // Constant time, so the comparison does not reveal how much of a guess was right.
      return header.isPresent()
          && MessageDigest.isEqual(expected, header.get().trim().getBytes(StandardCharsets.UTF_8));
    };
  }

  /** Answers one request. Never throws: failures become the spec's JSON errors. */
  public RegistryResponse handle(RegistryRequest request) {
    RegistryResponse response;
    try {
      if (!authorized.test(request)) {
        throw new RegistryError(
            RegistryError.Code.UNAUTHORIZED, "authentication required: use your Kiln credentials");
      }
      RegistryRoute route = RegistryRoute.parse(request.path());
      response =
          switch (route.kind()) {
            case BASE -> base(request);
            case TAGS -> manifests.tagList(route, request);
            case MANIFEST -> manifests.manifest(route, request);
            case BLOB -> blobs.blob(route, request);
            case UPLOADS -> blobs.startUpload(route, request);
            case UPLOAD -> blobs.upload(route, request);
          };
    } catch (RegistryError e) {
      response = error(e, request);
    } catch (IOException | RuntimeException e) {
      response =
          error(
              new RegistryError(
                  RegistryError.Code.UNKNOWN,
                  "registry failed: " + e.getClass().getSimpleName() + ": " + e.getMessage()),
              request);
    }
    return withApiVersion(response);
  }

  private static RegistryResponse base(RegistryRequest request) throws RegistryError {
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      throw BlobEndpoints.unsupported(request, "/v2/");
    }
    return ResponseBuilder.status(200).json(OciJson.write(Map.of())).build();
  }

  private static RegistryResponse error(RegistryError e, RegistryRequest request) {
    ResponseBuilder b = ResponseBuilder.status(e.code().status);
    if (e.code() == RegistryError.Code.UNAUTHORIZED) {
      b.header("WWW-Authenticate", "Basic realm=\"kiln\"");
    }
    b.json(e.body());
    if (request.method().equals("HEAD")) {
      b.body(RegistryResponse.Bytes.EMPTY, true);
    }
    return b.build();
  }

  private static RegistryResponse withApiVersion(RegistryResponse r) {
    Map<String, String> headers = new LinkedHashMap<>(r.headers());
    headers.putAll(API_VERSION);
    return new RegistryResponse(r.status(), headers, r.body());
  }
}
