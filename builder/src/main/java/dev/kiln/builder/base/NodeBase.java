package dev.kiln.builder.base;

import dev.kiln.common.Runtime;
import dev.kiln.image.layer.LayerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedSet;

/**
 * The Node.js base: the host's {@code node} and the shared libraries it loads. A Node.js build
 * keeps its JavaScript library and ICU data inside the binary, so nothing else is needed.
 */
final class NodeBase implements BaseRecipe {

  private final Path node;

  NodeBase(Path node) {
    this.node = node.toAbsolutePath().normalize();
  }

  @Override
  public Runtime runtime() {
    return Runtime.NODE;
  }

  @Override
  public String fingerprint() throws IOException {
    realNode();
    return "node " + node + " -> " + BaseRecipe.describeFile(node);
  }

  @Override
  public Assembly assemble(Path workDir) throws IOException {
    Path real = realNode();
    String version =
        HostCommand.output(Runtime.NODE, List.of(real.toString(), "--version")).strip();
    if (version.startsWith("v")) {
      version = version.substring(1);
    }
    LayerBuilder layer = LayerBuilder.create();
    RootfsSkeleton.addMergedUsrLinks(layer, Path.of("/"));
    HostFiles files = new HostFiles(layer);
    files.addPath(node);
    SortedSet<Path> libraries = SharedLibraryClosure.of(Runtime.NODE, List.of(real), p -> false);
    for (Path lib : libraries) {
      files.addPath(lib);
    }
    String createdBy =
        "kiln base: node "
            + version
            + " from "
            + real
            + " + "
            + libraries.size()
            + " shared libraries";
    return new Assembly("node-" + version, layer, createdBy, BASE_RUN_CONFIG, node.toString());
  }

  private Path realNode() throws IOException {
    return BaseRecipe.hostExecutable(
        Runtime.NODE,
        node,
        "no Node.js at " + node + "; install nodejs or set KILN_NODE to the node binary",
        "a version manager's shim",
        "set KILN_NODE to the node binary itself");
  }
}
