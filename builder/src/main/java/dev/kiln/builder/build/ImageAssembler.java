package dev.kiln.builder.build;

import dev.kiln.common.Digest;
import dev.kiln.image.layer.Layer;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.ImageConfig;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.oci.MediaTypes;
import dev.kiln.image.oci.OciJson;
import dev.kiln.image.store.BlobInfo;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link BuildPlan} against a store: each layer step is looked up by content key and built
 * only on a miss; then the config and manifest are written. Naming the image is the caller's
 * business, so a failed build leaves every existing name as it was.
 */
public final class ImageAssembler {

  private final ImageStore store;
  private final LayerCache cache;

  /** An assembler writing into {@code store}. */
  public ImageAssembler(ImageStore store) throws IOException {
    this.store = store;
    this.cache = new LayerCache(store);
  }

  /** Executes the plan. */
  public BuildResult run(BuildPlan plan, BuildListener listener) throws IOException {
    ImageConfig config = plan.start();
    List<Layer> layers = new ArrayList<>(plan.startLayers());
    int built = 0;
    int total = plan.steps().size();
    int index = 0;
    for (BuildStep step : plan.steps()) {
      listener.stepStarted(++index, total, step.createdBy());
      long t0 = System.nanoTime();
      if (step instanceof BuildStep.Configure c) {
        config = config.withEmptyLayer(c.createdBy(), c.change().apply(config.config()));
        listener.configured();
      } else if (step instanceof BuildStep.ReuseLayer r) {
        layers.add(r.layer());
        config = config.withLayer(r.layer().diffId(), r.createdBy(), r.comment());
        listener.layerDone(r.layer(), true, Duration.ofNanos(System.nanoTime() - t0));
      } else if (step instanceof BuildStep.AddLayer a) {
        Digest key = a.layer().contentKey();
        Layer layer = cache.find(key).orElse(null);
        boolean cached = layer != null;
        if (!cached) {
          layer = a.layer().build(store);
          cache.put(key, layer);
          built++;
        }
        layers.add(layer);
        config = config.withLayer(layer.diffId(), a.createdBy(), a.comment());
        listener.layerDone(layer, cached, Duration.ofNanos(System.nanoTime() - t0));
      }
    }
    return new BuildResult(write(config, layers), config, layers, built);
  }

  /** Writes config and manifest blobs for these layers. */
  public Descriptor write(ImageConfig config, List<Layer> layers) throws IOException {
    BlobInfo configBlob = store.putBlob(OciJson.write(config));
    Manifest manifest =
        Manifest.oci(
            Descriptor.of(MediaTypes.OCI_CONFIG, configBlob.digest(), configBlob.size()),
            layers.stream().map(Layer::descriptor).toList());
    byte[] json = OciJson.write(manifest);
    BlobInfo manifestBlob = store.putBlob(json);
    return Descriptor.of(MediaTypes.OCI_MANIFEST, manifestBlob.digest(), manifestBlob.size());
  }
}
