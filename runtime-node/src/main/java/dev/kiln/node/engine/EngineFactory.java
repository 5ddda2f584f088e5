package dev.kiln.node.engine;

import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import dev.kiln.common.node.NodeApi;
import dev.kiln.image.registry.RegistryClient;
import dev.kiln.image.store.ImageStore;
import dev.kiln.node.agent.NodeApiFactory;
import dev.kiln.node.agent.NodeOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The engine behind {@code kiln node}: a {@link NodeEngine} on the node's data directory, with its
 * own image store, pulling from {@code --registry}. Stem cells of a runtime run that registry's
 * {@code kiln/<runtime>:latest} image (the bare runtime image, built from a Kilnfile {@code FROM
 * kiln/<runtime>}).
 */
public final class EngineFactory implements NodeApiFactory {

  @Override
  public NodeApi create(NodeOptions options) throws IOException {
    Path dataDir = options.dataDir();
    Files.createDirectories(dataDir);
    NodeConfig config =
        NodeConfig.defaults(nodeId(dataDir), dataDir, ImageStore.open(dataDir.resolve("images")));
    if (options.registry().isPresent()) {
      URI registry = options.registry().get();
      String host = registry.getAuthority();
      Set<String> insecure = "http".equals(registry.getScheme()) ? Set.of(host) : Set.of();
      config = config.withRegistry(RegistryClient.fromEnvironment(insecure));
      for (Map.Entry<Runtime, Integer> cells : options.stemCells().entrySet()) {
        if (cells.getValue() > 0) {
          ImageRef image = ImageRef.parse(host + "/kiln/" + cells.getKey().id() + ":latest");
          config = config.withStemCells(cells.getKey(), cells.getValue(), image);
        }
      }
    } else if (options.stemCells().values().stream().anyMatch(n -> n > 0)) {
      throw new IOException(
          "stem cells need --registry: a node pulls each runtime's image from"
              + " <registry>/kiln/<runtime>:latest");
    }
    return NodeEngine.start(config);
  }

  /** A stable id for the node, kept in its data directory so restarts keep it. */
  private static String nodeId(Path dataDir) throws IOException {
    Path file = dataDir.resolve("node-id");
    if (Files.isRegularFile(file)) {
      String id = Files.readString(file).strip();
      if (id.matches("[a-z0-9-]{1,32}")) {
        return id;
      }
    }
    String id = "n" + UUID.randomUUID().toString().substring(0, 8);
    Files.writeString(file, id + "\n");
    return id;
  }
}
