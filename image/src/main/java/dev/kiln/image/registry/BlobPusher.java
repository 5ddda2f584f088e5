package dev.kiln.image.registry;

import dev.kiln.common.Digest;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * Pushes one blob, doing as little as it can: nothing if the registry has it, a cross-repository
 * mount if it knows a repository that has it, else an upload, monolithic for small blobs and in
 * chunks for large ones.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs">OCI
 *     distribution spec: pushing blobs</a>
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#mounting-a-blob-from-another-repository">OCI
 *     distribution spec: mounting a blob from another repository</a>
 */
final class BlobPusher {

  private static final String ACTION = "pushing a blob";
  private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(30);

  private final RegistryTransport transport;
  private final ImageStore store;
  private final ClientSettings settings;
  private final String mountFrom;
  private final ProgressListener listener;

  BlobPusher(
      RegistryTransport transport,
      ImageStore store,
      ClientSettings settings,
      String mountFrom,
      ProgressListener listener) {
    this.transport = transport;
    this.store = store;
    this.settings = settings;
    this.mountFrom =
        mountFrom == null || mountFrom.equals(transport.repository()) ? null : mountFrom;
    this.listener = listener;
  }

  void push(Digest digest) throws IOException {
    long size = store.blobSize(digest);
    if (exists(digest)) {
      listener.blobSkipped(digest, size);
      return;
    }
    URI upload;
    if (mountFrom != null) {
      URI mountUri =
          Locations.withQueryParam(
              Locations.withQueryParam(
                  transport.repositoryUrl("/blobs/uploads/"), "mount", digest.toString()),
              "from",
              mountFrom);
      HttpResponse<byte[]> r = transport.send(RegistryTransport.Call.of("POST", mountUri, ACTION));
      if (r.statusCode() == 201) {
        listener.blobMounted(digest, size, mountFrom);
        return;
      }
      // 202: the registry could not mount (the source lacks the blob, or mounting is off) and
      // opened an ordinary upload instead.
      upload = uploadLocation(r);
    } else {
      upload = startUpload();
    }
    boolean chunked = size > settings.chunkedUploadThreshold();
    URI finish = chunked ? sendChunks(upload, digest, size) : upload;
    RegistryTransport.Call put =
        RegistryTransport.Call.of(
                "PUT", Locations.withQueryParam(finish, "digest", digest.toString()), ACTION)
            .header("Content-Type", "application/octet-stream");
    if (!chunked) {
      put =
          put.body(
              () -> HttpRequest.BodyPublishers.ofFile(store.blobPath(digest)), TRANSFER_TIMEOUT);
    }
    HttpResponse<byte[]> r = transport.send(put);
    if (r.statusCode() != 201 && r.statusCode() != 204) {
      throw transport.unexpected(r, ACTION + " " + digest);
    }
    checkDigestHeader(r, digest);
    listener.blobTransferred(digest, size);
  }

  private boolean exists(Digest digest) throws IOException {
    HttpResponse<byte[]> r =
        transport.send(
            RegistryTransport.Call.of("HEAD", transport.repositoryUrl("/blobs/" + digest), ACTION));
    return switch (r.statusCode()) {
      case 200 -> true;
      case 404 -> false;
      default -> throw transport.unexpected(r, "checking for blob " + digest);
    };
  }

  private URI startUpload() throws IOException {
    HttpResponse<byte[]> r =
        transport.send(
            RegistryTransport.Call.of("POST", transport.repositoryUrl("/blobs/uploads/"), ACTION));
    return uploadLocation(r);
  }

  private URI uploadLocation(HttpResponse<byte[]> r) throws IOException {
    if (r.statusCode() != 202) {
      throw transport.unexpected(r, ACTION);
    }
    try {
      return Locations.resolve(r.uri(), r.headers().firstValue("Location").orElse(null));
    } catch (IllegalArgumentException e) {
      throw transport.failure(ACTION, r.statusCode(), e.getMessage(), 1);
    }
  }

  /**
   * Sends the blob as PATCH requests of at most {@code chunkSize} bytes, each saying where it
   * starts, and returns the URL to finish the upload at (the registry may move it each time).
   */
  private URI sendChunks(URI upload, Digest digest, long size) throws IOException {
    URI location = upload;
    byte[] buffer = new byte[(int) Math.min(settings.chunkSize(), size)];
    try (InputStream in = store.openBlob(digest)) {
      long offset = 0;
      while (offset < size) {
        int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, size - offset));
        if (n == 0) {
          throw new IOException("blob " + digest + " ended early at byte " + offset);
        }
        byte[] chunk = n == buffer.length ? buffer : Arrays.copyOf(buffer, n);
        RegistryTransport.Call patch =
            RegistryTransport.Call.of("PATCH", location, ACTION)
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", offset + "-" + (offset + n - 1))
                .body(() -> HttpRequest.BodyPublishers.ofByteArray(chunk), TRANSFER_TIMEOUT);
        HttpResponse<byte[]> r = transport.send(patch);
        if (r.statusCode() != 202) {
          throw transport.unexpected(r, ACTION + " " + digest + " (chunk at byte " + offset + ")");
        }
        String next = r.headers().firstValue("Location").orElse(null);
        if (next != null) {
          location = Locations.resolve(r.uri(), next);
        }
        offset += n;
      }
    }
    return location;
  }

  private void checkDigestHeader(HttpResponse<?> r, Digest digest) throws RegistryException {
    String header = r.headers().firstValue("Docker-Content-Digest").orElse(null);
    if (header != null && !header.equals(digest.toString())) {
      throw transport.failure(
          ACTION, r.statusCode(), "registry stored blob " + digest + " under digest " + header, 1);
    }
  }
}
