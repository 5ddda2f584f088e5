package dev.kiln.image.registry;

import dev.kiln.common.Digest;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.ImageIndex;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.oci.MediaTypes;
import dev.kiln.image.oci.OciJson;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code /v2/<name>/manifests/<reference>} and {@code /v2/<name>/tags/list}. A tag is an image name
 * in the store, {@code <name>:<tag>}, so images pushed here are the store's images and the other
 * way round.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-manifests">OCI
 *     distribution spec: pushing manifests</a>
 */
final class ManifestEndpoints {

  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

  private final ImageStore store;

  ManifestEndpoints(ImageStore store) {
    this.store = store;
  }

  RegistryResponse manifest(RegistryRoute route, RegistryRequest request)
      throws IOException, RegistryError {
    return switch (request.method()) {
      case "GET", "HEAD" -> get(route, request.method().equals("HEAD"));
      case "PUT" -> put(route, request);
      case "DELETE" -> delete(route);
      default -> throw BlobEndpoints.unsupported(request, "manifests");
    };
  }

  private RegistryResponse get(RegistryRoute route, boolean head)
      throws IOException, RegistryError {
    String reference = route.reference();
    Digest digest;
    String mediaType = null;
    if (isDigest(reference)) {
      digest = BlobEndpoints.digest(reference);
    } else {
      Descriptor d =
          store.resolve(tagName(route.name(), reference)).orElseThrow(() -> manifestUnknown(route));
      digest = d.digest();
      mediaType = d.mediaType();
    }
    if (!store.hasBlob(digest)) {
      throw manifestUnknown(route);
    }
    byte[] bytes = store.readBlob(digest);
    if (mediaType == null) {
      try {
        mediaType = ManifestBytes.declaredType(bytes);
      } catch (IllegalArgumentException notAManifest) {
        throw manifestUnknown(route);
      }
    }
    return ResponseBuilder.status(200)
        .header("Content-Type", mediaType)
        .header("Docker-Content-Digest", digest.toString())
        .header("ETag", "\"" + digest + "\"")
        .body(new RegistryResponse.Bytes(bytes), head)
        .build();
  }

  private RegistryResponse put(RegistryRoute route, RegistryRequest request)
      throws IOException, RegistryError {
    String reference = route.reference();
    boolean byDigest = isDigest(reference);
    if (!byDigest) {
      tagName(route.name(), reference);
    }
    byte[] bytes = request.body().readNBytes(ManifestBytes.MAX_SIZE + 1);
    if (bytes.length > ManifestBytes.MAX_SIZE) {
      throw new RegistryError(
          RegistryError.Code.SIZE_INVALID, "manifest is larger than the 4 MiB Kiln accepts");
    }
    String mediaType;
    try {
      mediaType = ManifestBytes.mediaType(request.header("Content-Type").orElse(null), bytes);
    } catch (IllegalArgumentException e) {
      throw new RegistryError(RegistryError.Code.MANIFEST_INVALID, e.getMessage());
    }
    checkReferences(mediaType, bytes);
    Digest digest = Digest.sha256(bytes);
    if (byDigest && !BlobEndpoints.digest(reference).equals(digest)) {
      throw new RegistryError(
          RegistryError.Code.DIGEST_INVALID, "manifest hashes to " + digest + ", not " + reference);
    }
    store.putBlob(bytes);
    if (!byDigest) {
      store.tag(tagName(route.name(), reference), Descriptor.of(mediaType, digest, bytes.length));
    }
    return ResponseBuilder.status(201)
        .header("Location", "/v2/" + route.name() + "/manifests/" + digest)
        .header("Docker-Content-Digest", digest.toString())
        .build();
  }

  /** Every blob or manifest the new manifest names must already be here. */
  private void checkReferences(String mediaType, byte[] bytes) throws RegistryError {
    List<Descriptor> referenced = new ArrayList<>();
    try {
      if (MediaTypes.IMAGE_MANIFESTS.contains(mediaType)) {
        Manifest m = OciJson.read(bytes, Manifest.class);
        referenced.add(m.config());
        referenced.addAll(m.layers());
      } else if (MediaTypes.INDEXES.contains(mediaType)) {
        referenced.addAll(OciJson.read(bytes, ImageIndex.class).manifests());
      } else {
        throw new RegistryError(
            RegistryError.Code.MANIFEST_INVALID,
            "unsupported manifest media type "
                + mediaType
                + "; push an OCI or Docker schema 2 manifest or index");
      }
    } catch (IllegalArgumentException e) {
      throw new RegistryError(RegistryError.Code.MANIFEST_INVALID, e.getMessage());
    }
    for (Descriptor d : referenced) {
      if (!store.hasBlob(d.digest())) {
        throw new RegistryError(
            RegistryError.Code.MANIFEST_BLOB_UNKNOWN,
            "manifest refers to " + d.digest() + ", which was not pushed first",
            Map.of("digest", d.digest().toString()));
      }
    }
  }

  /** Deleting by tag removes the tag; by digest, every tag of the repository naming it. */
  private RegistryResponse delete(RegistryRoute route) throws IOException, RegistryError {
    boolean removed = false;
    if (isDigest(route.reference())) {
      Digest digest = BlobEndpoints.digest(route.reference());
      for (Map.Entry<String, Descriptor> e : tags(route.name()).entrySet()) {
        if (e.getValue().digest().equals(digest)) {
          removed |= store.untag(tagName(route.name(), e.getKey()));
        }
      }
    } else {
      removed = store.untag(tagName(route.name(), route.reference()));
    }
    if (!removed) {
      throw manifestUnknown(route);
    }
    return ResponseBuilder.status(202).build();
  }

  /** GET {@code /v2/<name>/tags/list}, with the spec's {@code n} and {@code last}. */
  RegistryResponse tagList(RegistryRoute route, RegistryRequest request)
      throws IOException, RegistryError {
    if (!request.method().equals("GET")) {
      throw BlobEndpoints.unsupported(request, "tags");
    }
    List<String> tags = new ArrayList<>(tags(route.name()).keySet());
    if (tags.isEmpty()) {
      throw new RegistryError(
          RegistryError.Code.NAME_UNKNOWN, "repository " + route.name() + " is not known");
    }
    Optional<String> last = request.queryParam("last");
    if (last.isPresent()) {
      tags.removeIf(t -> t.compareTo(last.get()) <= 0);
    }
    Optional<String> n = request.queryParam("n");
    if (n.isPresent()) {
      try {
        int limit = Integer.parseInt(n.get());
        if (limit >= 0 && limit < tags.size()) {
          tags = tags.subList(0, limit);
        }
      } catch (NumberFormatException e) {
        throw new RegistryError(RegistryError.Code.UNSUPPORTED, "n must be a number");
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", route.name());
    body.put("tags", tags);
    return ResponseBuilder.status(200).json(OciJson.write(body)).build();
  }

  /** The repository's tags, sorted, with their manifests. */
  private Map<String, Descriptor> tags(String name) throws IOException {
    String prefix = name + ":";
    Map<String, Descriptor> tags = new TreeMap<>();
    for (Descriptor d : store.images()) {
      String ref = d.refName();
      if (ref.startsWith(prefix) && TAG.matcher(ref.substring(prefix.length())).matches()) {
        tags.put(ref.substring(prefix.length()), d);
      }
    }
    return tags;
  }

  private static String tagName(String name, String tag) throws RegistryError {
    if (!TAG.matcher(tag).matches()) {
      throw new RegistryError(
          RegistryError.Code.TAG_INVALID,
          "invalid tag '" + tag + "': use letters, digits, _ . - (at most 128 characters)");
    }
    return name + ":" + tag;
  }

  private static boolean isDigest(String reference) {
    return reference.contains(":");
  }

  private static RegistryError manifestUnknown(RegistryRoute route) {
    return new RegistryError(
        RegistryError.Code.MANIFEST_UNKNOWN,
        "manifest "
            + route.name()
            + (isDigest(route.reference()) ? "@" : ":")
            + route.reference()
            + " unknown to registry");
  }
}
