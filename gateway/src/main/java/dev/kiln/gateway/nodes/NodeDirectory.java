package dev.kiln.gateway.nodes;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent URL of every node that joined through {@code POST /v1/nodes}, for listing: the
 * scheduler knows a node by id and {@code NodeApi} only. An in-process node has no URL.
 */
@ApplicationScoped
public class NodeDirectory {

  private final Map<String, URI> urls = new ConcurrentHashMap<>();

  void joined(String nodeId, URI url) {
    urls.put(nodeId, url);
  }

  void left(String nodeId) {
    urls.remove(nodeId);
  }

  /** The agent URL of a joined node. */
  public Optional<URI> url(String nodeId) {
    return Optional.ofNullable(urls.get(nodeId));
  }
}
