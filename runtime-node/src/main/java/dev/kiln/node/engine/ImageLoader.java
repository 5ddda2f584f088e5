package dev.kiln.node.engine;

import dev.kiln.common.Digest;
import dev.kiln.common.ImageRef;
import dev.kiln.common.node.ImageStatus;
import dev.kiln.common.node.NodeException;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.ImageConfig;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.registry.ImageNotFoundException;
import dev.kiln.image.registry.ProgressListener;
import dev.kiln.image.registry.RegistryClient;
import dev.kiln.image.store.ImageStore;
import dev.kiln.node.image.HostileLayerException;
import dev.kiln.node.image.LayerCache;
import dev.kiln.node.image.LayerDigestMismatchException;
import dev.kiln.node.image.LayerSource;
import dev.kiln.node.launch.LoadedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes images ready to start: finds them in the store (by digest, or by name as {@code
 * repository:tag} or with its registry), pulls what is missing through the registry client, and
 * unpacks every layer into the layer cache. A loaded image is remembered by manifest digest, so
 * starting another container of it costs one lookup of its name.
 */
final class ImageLoader {
  private final ImageStore store;
  private final RegistryClient registry;
  private final LayerCache layers;
  private final Map<Digest, LoadedImage> loaded = new ConcurrentHashMap<>();

  ImageLoader(ImageStore store, RegistryClient registry, LayerCache layers) {
    this.store = store;
    this.registry = registry;
    this.layers = layers;
  }

  /** Ensures the image and reports what it took. */
  ImageStatus ensure(ImageRef ref) {
    long begin = System.nanoTime();
    Digest manifest = resolve(ref);
    LoadedImage cached = loaded.get(manifest);
    if (cached != null) {
      return new ImageStatus(manifest, cached.diffIds().size(), 0, millisSince(begin));
    }
    int[] unpacked = {0};
    LoadedImage image = load(ref, manifest, unpacked);
    return new ImageStatus(manifest, image.diffIds().size(), unpacked[0], millisSince(begin));
  }

  /** The image, loaded if needed. */
  LoadedImage load(ImageRef ref) {
    Digest manifest = resolve(ref);
    LoadedImage cached = loaded.get(manifest);
    return cached != null ? cached : load(ref, manifest, new int[1]);
  }

  private LoadedImage load(ImageRef ref, Digest manifestDigest, int[] unpacked) {
    try {
      Manifest manifest = store.readManifest(manifestDigest);
      ImageConfig config = store.readConfig(manifest.config().digest());
      List<Digest> diffIds = config.diffIds();
      if (diffIds.size() != manifest.layers().size()) {
        throw new NodeException(
            422,
            "image "
                + ref
                + ": the manifest lists "
                + manifest.layers().size()
                + " layers but the config "
                + diffIds.size()
                + " diff_ids");
      }
      List<Path> dirs = new ArrayList<>(diffIds.size());
      for (int i = 0; i < diffIds.size(); i++) {
        Digest diffId = diffIds.get(i);
        Descriptor layer = manifest.layers().get(i);
        if (layers.find(diffId).isEmpty()) {
          unpacked[0]++;
        }
        dirs.add(
            layers.ensure(
                diffId, LayerSource.ofFile(store.blobPath(layer.digest()), layer.digest())));
      }
      LoadedImage image = new LoadedImage(manifestDigest, config, diffIds, dirs);
      loaded.put(manifestDigest, image);
      return image;
    } catch (HostileLayerException | LayerDigestMismatchException e) {
      throw new NodeException(422, "image " + ref + " has a bad layer: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new NodeException(502, "cannot load image " + ref + ": " + e.getMessage(), e);
    }
  }

  /** The manifest digest of {@code ref}, pulling the image when the store lacks it. */
  private Digest resolve(ImageRef ref) {
    if (ref.digest() != null && loaded.containsKey(ref.digest())) {
      return ref.digest();
    }
    try {
      Optional<Digest> local = findLocal(ref);
      if (local.isPresent()) {
        return local.get();
      }
      if (registry == null || ref.registryHost().isEmpty()) {
        throw new NodeException(
            404,
            "image "
                + ref
                + " is not in the node's store"
                + (registry == null
                    ? " and the node has no registry configured"
                    : " and names no registry to pull it from"));
      }
      Descriptor pulled = registry.pull(ref, store, ProgressListener.NOOP);
      store.tag(ref.toString(), pulled);
      if (ref.digest() != null && !ref.digest().equals(pulled.digest())) {
        throw new NodeException(
            502,
            "pulled image " + ref + " has digest " + pulled.digest() + ", not " + ref.digest());
      }
      return pulled.digest();
    } catch (ImageNotFoundException e) {
      throw new NodeException(
          404, "image " + ref + " is not in its registry: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new NodeException(502, "cannot pull image " + ref + ": " + e.getMessage(), e);
    }
  }

  private Optional<Digest> findLocal(ImageRef ref) throws IOException {
    if (ref.digest() != null) {
      return store.hasBlob(ref.digest()) ? Optional.of(ref.digest()) : Optional.empty();
    }
    for (String name : List.of(ref.localName(), ref.toString())) {
      Optional<Descriptor> found = store.resolve(name);
      if (found.isPresent()) {
        return Optional.of(found.get().digest());
      }
    }
    return Optional.empty();
  }

  private static long millisSince(long begin) {
    return (System.nanoTime() - begin) / 1_000_000;
  }
}
