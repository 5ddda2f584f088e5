package dev.kiln.builder.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Digest;
import dev.kiln.image.layer.Layer;
import dev.kiln.image.oci.OciJson;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Maps a layer's content key (what it will contain) to the layer already built from that content.
 * Kept beside the store's blobs; an entry whose blob was garbage-collected is a miss.
 */
final class LayerCache {

  private final ImageStore store;
  private final Path dir;

  LayerCache(ImageStore store) throws IOException {
    this.store = store;
    this.dir = store.root().resolve(".kiln-cache").resolve("layers");
    Files.createDirectories(dir);
  }

  Optional<Layer> find(Digest contentKey) {
    Path entry = dir.resolve(contentKey.hex() + ".json");
    try {
      if (!Files.isRegularFile(entry)) {
        return Optional.empty();
      }
      JsonNode n = OciJson.mapper().readTree(Files.readAllBytes(entry));
      Layer layer =
          new Layer(
              Digest.parse(n.path("digest").asText()),
              Digest.parse(n.path("diffId").asText()),
              n.path("size").asLong());
      return store.hasBlob(layer.digest()) ? Optional.of(layer) : Optional.empty();
    } catch (IOException | IllegalArgumentException corrupt) {
      // A damaged entry is only a cache miss: the layer is rebuilt and the entry rewritten.
      return Optional.empty();
    }
  }

  void put(Digest contentKey, Layer layer) throws IOException {
    ObjectNode n = OciJson.mapper().createObjectNode();
    n.put("digest", layer.digest().toString());
    n.put("diffId", layer.diffId().toString());
    n.put("size", layer.size());
    Path part = dir.resolve(UUID.randomUUID() + ".part");
    Files.write(part, OciJson.mapper().writeValueAsBytes(n));
    Files.move(
        part,
        dir.resolve(contentKey.hex() + ".json"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }
}
