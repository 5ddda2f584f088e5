package dev.kiln.node.engine;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.StartRequest;
import dev.kiln.image.store.ImageStore;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A node that never shuts down cleanly, for {@link ReconcileIT}: starts an engine with a python
 * stem cell, starts a fresh container and one from a stem cell, prints {@code READY} and blocks
 * until it is killed.
 *
 * <p>Arguments: node id, data dir, store dir, function image, python runtime image.
 */
public final class CrashingNodeMain {
  private CrashingNodeMain() {}

  public static void main(String[] args) throws Exception {
    ImageStore store = ImageStore.open(Path.of(args[2]));
    NodeConfig config =
        NodeConfig.defaults(args[0], Path.of(args[1]), store)
            .withStemCells(Runtime.PYTHON, 2, ImageRef.parseLocal(args[4]));
    NodeEngine engine = NodeEngine.start(config);
    if (!engine.awaitStemCells(Duration.ofSeconds(60))) {
      throw new IllegalStateException("stem cells did not start: " + engine.stemCells());
    }
    FunctionSpec spec = FunctionSpec.of("hello-python", Runtime.PYTHON, "handler.handle");
    ImageRef image = ImageRef.parseLocal(args[3]);
    ContainerInfo fresh =
        engine.start(new StartRequest(spec, 1, image, StartRequest.StartMode.FRESH));
    ContainerInfo cell =
        engine.start(new StartRequest(spec, 1, image, StartRequest.StartMode.STEM_CELL));
    System.out.println("READY " + fresh.id() + " " + cell.id());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
