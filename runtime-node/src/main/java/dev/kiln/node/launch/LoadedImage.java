package dev.kiln.node.launch;

import dev.kiln.common.Digest;
import dev.kiln.image.oci.ImageConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image ready to start on this node: its config and its layers unpacked in the layer cache.
 *
 * @param manifest digest of the image manifest
 * @param config the image config (entrypoint, env, working dir, diff_ids)
 * @param diffIds layer diff_ids, base first
 * @param layerDirs the unpacked layers, base first, matching {@code diffIds}
 */
public record LoadedImage(
    Digest manifest, ImageConfig config, List<Digest> diffIds, List<Path> layerDirs) {

  public LoadedImage {
    diffIds = List.copyOf(diffIds);
    layerDirs = List.copyOf(layerDirs);
    if (diffIds.size() != layerDirs.size()) {
      throw new IllegalArgumentException(
          "image "
              + manifest
              + ": "
              + diffIds.size()
              + " diff_ids but "
              + layerDirs.size()
              + " layers");
    }
  }

  /** The layers top first, as overlayfs stacks lower dirs. */
  public List<Path> layerDirsTopFirst() {
    List<Path> top = new java.util.ArrayList<>(layerDirs);
    java.util.Collections.reverse(top);
    return top;
  }

  /** The process to run: entrypoint followed by cmd. */
  public List<String> args() {
    List<String> args = new java.util.ArrayList<>();
    if (config.config().entrypoint() != null) {
      args.addAll(config.config().entrypoint());
    }
    if (config.config().cmd() != null) {
      args.addAll(config.config().cmd());
    }
    return args;
  }

  /** The image's environment ({@code Env}, {@code NAME=value} entries) as a map. */
  public Map<String, String> env() {
    Map<String, String> env = new TreeMap<>();
    for (String entry : config.config().env()) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env;
  }

  /** The working directory, {@code /} when the image sets none. */
  public String workingDir() {
    String dir = config.config().workingDir();
    return dir == null || dir.isBlank() ? "/" : dir;
  }
}
