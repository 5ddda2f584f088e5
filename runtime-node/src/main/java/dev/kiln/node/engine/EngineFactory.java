package dev.kiln.node.engine;

import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import dev.kiln.common.node.NodeApi;
import dev.kiln.image.registry.RegistryClient;
import dev.kiln.image.registry.RegistryCredentials;
import dev.kiln.image.store.ImageStore;
import dev.kiln.node.agent.NodeApiFactory;
import dev.kiln.node.agent.NodeOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The engine behind {@code kiln node}: a {@link NodeEngine} on the node's data directory, with its
 * own image store, pulling from {@code --registry}, or, for a node that joins a control plane
 * ({@code --join URL}), from the control plane's built-in registry at {@code URL/v2/} with the
 * node's API key ({@code --key}) as the Basic password. Stem cells of a runtime run that registry's
 * {@code kiln/<runtime>:latest} image (the bare runtime image, built from a Kilnfile {@code FROM
 * kiln/<runtime>}).
 *
 * <p>A joined node pulls image references that name no registry ({@code hello:3@sha256:...}, as the
 * control plane names the versions in its store) from the control plane.
 */
public final class EngineFactory implements NodeApiFactory {

  @Override
  public NodeApi create(NodeOptions options) throws IOException {
    Path dataDir = options.dataDir();
    Files.createDirectories(dataDir);
    NodeConfig config =
        NodeConfig.defaults(nodeId(dataDir), dataDir, ImageStore.open(dataDir.resolve("images")));
    if (options.memoryMiB().isPresent()) {
      config = config.withMemoryMiB(options.memoryMiB().get());
    }
    Optional<URI> pullFrom = options.pullRegistry();
    if (pullFrom.isPresent()) {
      URI registry = pullFrom.get();
      String host = registry.getAuthority();
      config = config.withRegistry(registryClient(options, registry));
      for (Map.Entry<Runtime, Integer> cells : options.stemCells().entrySet()) {
        if (cells.getValue() > 0) {
          ImageRef image = ImageRef.parse(host + "/kiln/" + cells.getKey().id() + ":latest");
          config = config.withStemCells(cells.getKey(), cells.getValue(), image);
        }
      }
    } else if (options.stemCells().values().stream().anyMatch(n -> n > 0)) {
      throw new IOException(
          "stem cells need --registry or --join: a node pulls each runtime's image from"
              + " <registry>/kiln/<runtime>:latest");
    }
    NodeEngine engine = NodeEngine.start(config);
    if (options.join().isPresent() && options.registry().isEmpty()) {
      return new RegistryDefaultingNode(engine, options.join().get().getAuthority());
    }
    return engine;
  }

  /**
   * A client for {@code registry}: plain HTTP when its URL says so; the node's key as the Basic
   * password for the control plane it joined (any user name will do there); {@code
   * KILN_REGISTRY_USER}/{@code KILN_REGISTRY_PASSWORD} for every other registry.
   */
  static RegistryClient registryClient(NodeOptions options, URI registry) {
    String host = registry.getAuthority();
    RegistryClient.Builder b =
        RegistryClient.builder()
            .insecureRegistries("http".equals(registry.getScheme()) ? Set.of(host) : Set.of());
    RegistryCredentials.fromEnvironment().ifPresent(b::defaultCredentials);
    if (options.join().isPresent() && options.key().isPresent()) {
      b.credentials(
          options.join().get().getAuthority(),
          new RegistryCredentials("kiln", options.key().get()));
    }
    return b.build();
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
