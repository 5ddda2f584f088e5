package dev.kiln.node.agent;

import dev.kiln.common.node.NodeApi;
import java.io.IOException;
import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * Builds the node engine that {@link NodeMain} serves. The engine registers its factory as a
 * service: a file {@code META-INF/services/dev.kiln.node.agent.NodeApiFactory} naming the class. If
 * the engine it returns is {@link AutoCloseable}, it is closed when the process stops.
 */
public interface NodeApiFactory {

  /**
   * Creates the node: reconciles what the data directory holds, prepares stem cells, and so on.
   *
   * @throws IOException when the node cannot be set up; the message is shown to the user
   */
  NodeApi create(NodeOptions options) throws IOException;

  /**
   * The factory on the class path.
   *
   * @throws IllegalStateException when there is none, or more than one
   */
  static NodeApiFactory load() {
    Iterator<NodeApiFactory> found = ServiceLoader.load(NodeApiFactory.class).iterator();
    if (!found.hasNext()) {
      throw new IllegalStateException(
          "no node engine on the class path: a jar must register a "
              + NodeApiFactory.class.getName()
              + " in META-INF/services");
    }
    NodeApiFactory factory = found.next();
    if (found.hasNext()) {
      throw new IllegalStateException(
          "more than one node engine on the class path: "
              + factory.getClass().getName()
              + " and "
              + found.next().getClass().getName());
    }
    return factory;
  }
}
