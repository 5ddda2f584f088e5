package dev.kiln.image.registry;

import dev.kiln.common.Digest;
import dev.kiln.image.store.BlobDigestMismatchException;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /v2/<name>/blobs/...}: blob reads, uploads (monolithic, or a session of PATCH chunks
 * finished by PUT) and cross-repository mounts. Blobs live once in the store whatever the
 * repository, so a mount of a blob the store has always succeeds.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs">OCI
 *     distribution spec: pushing blobs</a>
 */
final class BlobEndpoints {

  private final ImageStore store;
  private final UploadSessions sessions;

  BlobEndpoints(ImageStore store, UploadSessions sessions) {
    this.store = store;
    this.sessions = sessions;
  }

  /** GET or HEAD {@code /v2/<name>/blobs/<digest>}. */
  RegistryResponse blob(RegistryRoute route, RegistryRequest request)
      throws IOException, RegistryError {
    boolean head = request.method().equals("HEAD");
    if (!head && !request.method().equals("GET")) {
      throw unsupported(request, "blobs");
    }
    Digest digest = digest(route.reference());
    if (!store.hasBlob(digest)) {
      throw new RegistryError(
          RegistryError.Code.BLOB_UNKNOWN,
          "blob " + digest + " unknown to registry",
          Map.of("digest", digest.toString()));
    }
    long size = store.blobSize(digest);
    return ResponseBuilder.status(200)
        .header("Content-Type", "application/octet-stream")
        .header("Docker-Content-Digest", digest.toString())
        .header("ETag", "\"" + digest + "\"")
        .body(new RegistryResponse.Stream(size, () -> store.openBlob(digest)), head)
        .build();
  }

  /** POST {@code /v2/<name>/blobs/uploads/}: mount, monolithic upload, or a new session. */
  RegistryResponse startUpload(RegistryRoute route, RegistryRequest request)
      throws IOException, RegistryError {
    if (!request.method().equals("POST")) {
      throw unsupported(request, "blob uploads");
    }
    Optional<String> mount = request.queryParam("mount");
    if (mount.isPresent()) {
      Digest digest = digest(mount.get());
      if (store.hasBlob(digest)) {
        return created(route.name(), digest);
      }
      // Not here: the spec says to fall back to an ordinary upload session.
    }
    Optional<String> digestParam = request.queryParam("digest");
    if (digestParam.isPresent()) {
      Digest digest = digest(digestParam.get());
      store(request.body(), digest);
      return created(route.name(), digest);
    }
    UploadSessions.Session s = sessions.start(route.name());
    return accepted(s);
  }

  /** PATCH, PUT, GET or DELETE {@code /v2/<name>/blobs/uploads/<id>}. */
  RegistryResponse upload(RegistryRoute route, RegistryRequest request)
      throws IOException, RegistryError {
    UploadSessions.Session s = sessions.get(route.reference(), route.name());
    switch (request.method()) {
      case "PATCH" -> {
        s.append(request.body(), contentRangeStart(request));
        return accepted(s);
      }
      case "PUT" -> {
        Digest digest =
            digest(
                request
                    .queryParam("digest")
                    .orElseThrow(
                        () ->
                            new RegistryError(
                                RegistryError.Code.DIGEST_INVALID,
                                "finish an upload with ?digest=<digest>")));
        s.append(request.body(), null);
        try (InputStream in = Files.newInputStream(s.file)) {
          store(in, digest);
        } finally {
          sessions.remove(s);
        }
        return created(route.name(), digest);
      }
      case "GET" -> {
        return ResponseBuilder.status(204)
            .header("Location", uploadPath(s))
            .header("Range", range(s))
            .header("Docker-Upload-UUID", s.id)
            .build();
      }
      case "DELETE" -> {
        sessions.remove(s);
        return ResponseBuilder.status(204).build();
      }
      default -> throw unsupported(request, "an upload");
    }
  }

  private void store(InputStream in, Digest digest) throws IOException, RegistryError {
    try {
      store.putBlob(in, digest);
    } catch (BlobDigestMismatchException e) {
      throw new RegistryError(
          RegistryError.Code.DIGEST_INVALID,
          "uploaded content hashes to " + e.actual() + ", not " + digest,
          Map.of("expected", digest.toString(), "actual", e.actual().toString()));
    }
  }

  private static RegistryResponse created(String name, Digest digest) {
    return ResponseBuilder.status(201)
        .header("Location", "/v2/" + name + "/blobs/" + digest)
        .header("Docker-Content-Digest", digest.toString())
        .build();
  }

  private static RegistryResponse accepted(UploadSessions.Session s) {
    return ResponseBuilder.status(202)
        .header("Location", uploadPath(s))
        .header("Range", range(s))
        .header("Docker-Upload-UUID", s.id)
        .build();
  }

  private static String uploadPath(UploadSessions.Session s) {
    return "/v2/" + s.name + "/blobs/uploads/" + s.id;
  }

  /** {@code 0-<last byte>}; {@code 0-0} before the first byte, as registries do. */
  private static String range(UploadSessions.Session s) {
    return "0-" + Math.max(0, s.size() - 1);
  }

  /** The start of a {@code Content-Range: <start>-<end>} header (a {@code bytes } prefix is ok). */
  private static Long contentRangeStart(RegistryRequest request) throws RegistryError {
    Optional<String> header = request.header("Content-Range");
    if (header.isEmpty()) {
      return null;
    }
    String v = header.get().trim();
    if (v.startsWith("bytes")) {
      v = v.substring("bytes".length()).trim().replaceFirst("^=", "");
    }
    int dash = v.indexOf('-');
    try {
      return Long.parseLong(dash < 0 ? v : v.substring(0, dash).trim());
    } catch (NumberFormatException e) {
      throw new RegistryError(
          RegistryError.Code.BLOB_UPLOAD_INVALID,
          "Content-Range '" + header.get() + "' is not of the form <start>-<end>");
    }
  }

  static Digest digest(String value) throws RegistryError {
    try {
      return Digest.parse(value);
    } catch (IllegalArgumentException e) {
      throw new RegistryError(RegistryError.Code.DIGEST_INVALID, e.getMessage());
    }
  }

  static RegistryError unsupported(RegistryRequest request, String what) {
    return new RegistryError(
        RegistryError.Code.UNSUPPORTED, request.method() + " is not supported on " + what);
  }
}
