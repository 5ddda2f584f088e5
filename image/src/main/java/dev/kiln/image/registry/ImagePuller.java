package dev.kiln.image.registry;

import dev.kiln.common.Digest;
import dev.kiln.common.ImageRef;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.ImageIndex;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.oci.MediaTypes;
import dev.kiln.image.oci.OciJson;
import dev.kiln.image.store.BlobDigestMismatchException;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Pulls an image into a store: the manifest (through an index to linux/amd64 if need be), checked
 * against its digest; then the config and layers, each checked against its digest. Blobs are staged
 * first and only committed to the store once every one of them checked out, manifest last, so a
 * failed pull leaves the store as it was.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests">OCI
 *     distribution spec: pulling manifests</a>
 */
final class ImagePuller {

  private static final String ACCEPT =
      String.join(
          ", ",
          MediaTypes.OCI_MANIFEST,
          MediaTypes.DOCKER_MANIFEST,
          MediaTypes.OCI_INDEX,
          MediaTypes.DOCKER_MANIFEST_LIST);
  private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(30);

  private record Fetched(String mediaType, byte[] bytes, Digest digest) {}

  private final RegistryTransport transport;
  private final ImageStore store;
  private final ProgressListener listener;

  ImagePuller(RegistryTransport transport, ImageStore store, ProgressListener listener) {
    this.transport = transport;
    this.store = store;
    this.listener = listener;
  }

  Descriptor pull(ImageRef source) throws IOException {
    Fetched fetched = fetchManifest(source, source.reference(), source.digest());
    if (MediaTypes.INDEXES.contains(fetched.mediaType())) {
      ImageIndex index = readOrFail(fetched, ImageIndex.class);
      Descriptor chosen =
          index
              .linuxAmd64()
              .orElseThrow(
                  () ->
                      transport.failure(
                          "pulling the manifest",
                          200,
                          "image "
                              + source
                              + " has no linux/amd64 variant; it offers "
                              + platforms(index),
                          1));
      fetched = fetchManifest(source, chosen.digest().toString(), chosen.digest());
    }
    if (!MediaTypes.IMAGE_MANIFESTS.contains(fetched.mediaType())) {
      throw transport.failure(
          "pulling the manifest", 200, "unsupported manifest media type " + fetched.mediaType(), 1);
    }
    Manifest manifest = readOrFail(fetched, Manifest.class);
    Map<Digest, Descriptor> wanted = new LinkedHashMap<>();
    wanted.put(manifest.config().digest(), manifest.config());
    for (Descriptor layer : manifest.layers()) {
      wanted.putIfAbsent(layer.digest(), layer);
    }
    List<Path> staged = new ArrayList<>();
    try {
      Map<Descriptor, Path> toCommit = new LinkedHashMap<>();
      for (Descriptor blob : wanted.values()) {
        if (store.hasBlob(blob.digest())) {
          listener.blobSkipped(blob.digest(), blob.size());
          continue;
        }
        Path file = stageFile();
        staged.add(file);
        download(blob, file);
        toCommit.put(blob, file);
      }
      for (Map.Entry<Descriptor, Path> e : toCommit.entrySet()) {
        try (InputStream in = Files.newInputStream(e.getValue())) {
          store.putBlob(in, e.getKey().digest());
        }
        listener.blobTransferred(e.getKey().digest(), e.getKey().size());
      }
    } finally {
      for (Path p : staged) {
        Files.deleteIfExists(p);
      }
    }
    store.putBlob(fetched.bytes());
    listener.manifestPulled(source, fetched.digest());
    return Descriptor.of(fetched.mediaType(), fetched.digest(), fetched.bytes().length);
  }

  private Fetched fetchManifest(ImageRef source, String reference, Digest expected)
      throws IOException {
    String action = "pulling the manifest";
    HttpResponse<InputStream> r =
        transport.stream(
            RegistryTransport.Call.of(
                    "GET", transport.repositoryUrl("/manifests/" + reference), action)
                .header("Accept", ACCEPT));
    if (r.statusCode() == 404) {
      byte[] body = RegistryTransport.drain(r);
      ImageRef missing = expected != null ? source.withDigest(expected) : source;
      throw new ImageNotFoundException(missing, ErrorBody.describe(body));
    }
    if (r.statusCode() != 200) {
      throw transport.unexpected(r, action);
    }
    byte[] bytes;
    try (InputStream in = r.body()) {
      bytes = in.readNBytes(ManifestBytes.MAX_SIZE + 1);
    }
    if (bytes.length > ManifestBytes.MAX_SIZE) {
      throw transport.failure(action, 200, "manifest is larger than 4 MiB", 1);
    }
    Digest actual = Digest.sha256(bytes);
    String header = r.headers().firstValue("Docker-Content-Digest").orElse(null);
    if (header != null && !header.equals(actual.toString())) {
      throw transport.failure(
          action,
          200,
          "manifest content hashes to " + actual + " but the registry announced " + header,
          1);
    }
    if (expected != null && !expected.equals(actual)) {
      throw new BlobDigestMismatchException(expected, actual);
    }
    String mediaType;
    try {
      mediaType =
          ManifestBytes.mediaType(r.headers().firstValue("Content-Type").orElse(null), bytes);
    } catch (IllegalArgumentException e) {
      throw transport.failure(action, 200, e.getMessage(), 1);
    }
    return new Fetched(mediaType, bytes, actual);
  }

  /** Downloads one blob to a staging file, checking its size and digest on the way. */
  private void download(Descriptor blob, Path file) throws IOException {
    String action = "pulling blob " + blob.digest();
    HttpResponse<InputStream> r =
        transport.stream(
            RegistryTransport.Call.of(
                    "GET", transport.repositoryUrl("/blobs/" + blob.digest()), action)
                .body(null, TRANSFER_TIMEOUT));
    if (r.statusCode() != 200) {
      throw transport.unexpected(r, action);
    }
    MessageDigest md = Digest.newSha256();
    long limit = blob.size() + 1;
    long written = 0;
    try (InputStream in = r.body();
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      // Never take more than the descriptor announced: a hostile registry cannot fill the disk.
      while (written < limit
          && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - written))) > 0) {
        md.update(buffer, 0, n);
        out.write(buffer, 0, n);
        written += n;
      }
    }
    Digest actual = Digest.of(md);
    if (!actual.equals(blob.digest())) {
      throw new BlobDigestMismatchException(blob.digest(), actual);
    }
    if (written != blob.size()) {
      throw transport.failure(
          action, 200, "blob has " + written + " bytes but its descriptor says " + blob.size(), 1);
    }
  }

  private Path stageFile() throws IOException {
    // Flat files in the store's temporary directory: same file system as the blobs, and the
    // store's gc sweeps any a crash leaves behind.
    Path dir = store.root().resolve(".kiln-tmp");
    Files.createDirectories(dir);
    return Files.createFile(dir.resolve("pull-" + UUID.randomUUID() + ".part"));
  }

  private <T> T readOrFail(Fetched fetched, Class<T> type) throws RegistryException {
    try {
      return OciJson.read(fetched.bytes(), type);
    } catch (IllegalArgumentException e) {
      throw transport.failure("pulling the manifest", 200, e.getMessage(), 1);
    }
  }

  private static String platforms(ImageIndex index) {
    List<String> p = new ArrayList<>();
    for (Descriptor d : index.manifests()) {
      if (d.platform() != null) {
        p.add(d.platform().os() + "/" + d.platform().architecture());
      }
    }
    return p.isEmpty() ? "no platforms" : String.join(", ", p);
  }
}
