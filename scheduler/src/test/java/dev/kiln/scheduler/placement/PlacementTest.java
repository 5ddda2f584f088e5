package dev.kiln.scheduler.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.ImageRef;
import dev.kiln.common.Runtime;
import dev.kiln.scheduler.FakeNode;
import dev.kiln.scheduler.node.Node;
import dev.kiln.scheduler.node.NodeRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  private static final FunctionSpec SPEC = FunctionSpec.of("resize", Runtime.PYTHON, "h.handle");
  private static final ImageRef IMAGE = ImageRef.parseLocal("localhost/fn/resize:1");

  private final NodeRegistry registry = new NodeRegistry();
  private final Placement placement = new Placement(Duration.ofSeconds(1));

  private Node node(FakeNode fake) {
    registry.register(fake.id, fake, fake.info(), NOW);
    return registry.get(fake.id);
  }

  private List<String> ranked() {
    return placement.rank(registry.nodes(), SPEC, IMAGE, NOW).stream().map(Node::id).toList();
  }

  @Test
  void stemCellWithImageBeatsImageBeatsLeastLoaded() {
    Node empty = node(new FakeNode("empty"));
    Node imageOnly = node(new FakeNode("image-only"));
    Node stem = node(new FakeNode("stem").withStemCells(Runtime.PYTHON, 2));
    imageOnly.ensureImage(IMAGE);
    stem.ensureImage(IMAGE);
    // Load makes no difference across ranks: the image-holding nodes are busier.
    imageOnly.tryReserve(1024);
    stem.tryReserve(2048);

    assertThat(ranked()).containsExactly("stem", "image-only", "empty");
    assertThat(empty.containers()).isZero();
  }

  @Test
  void stemCellsWithoutTheImageDoNotCount() {
    node(new FakeNode("stem-no-image").withStemCells(Runtime.PYTHON, 3)).tryReserve(512);
    node(new FakeNode("image")).ensureImage(IMAGE);

    assertThat(ranked()).containsExactly("image", "stem-no-image");
  }

  @Test
  void stemCellsOfAnotherRuntimeDoNotCount() {
    Node java = node(new FakeNode("java-cells").withStemCells(Runtime.JAVA, 3));
    Node plain = node(new FakeNode("plain"));
    java.ensureImage(IMAGE);
    plain.ensureImage(IMAGE);
    java.tryReserve(512);

    assertThat(ranked()).containsExactly("plain", "java-cells");
  }

  @Test
  void leastLoadedFirstAmongEqualNodes() {
    node(new FakeNode("busy")).tryReserve(2048);
    node(new FakeNode("quiet")).tryReserve(128);
    node(new FakeNode("half")).tryReserve(1024);

    assertThat(ranked()).containsExactly("quiet", "half", "busy");
  }

  @Test
  void nodesWithoutRoomAreLeftOut() {
    Node small = node(new FakeNode("small", 256));
    node(new FakeNode("big", 4096));
    assertThat(small.tryReserve(200)).isTrue();

    assertThat(ranked()).containsExactly("big");
    assertThat(small.tryReserve(128)).as("reservation checks the room itself").isFalse();
  }

  @Test
  void failedNodesComeAfterHealthyOnes() {
    Node failed = node(new FakeNode("failed"));
    failed.ensureImage(IMAGE);
    failed.markFailed(NOW.plusSeconds(10));
    node(new FakeNode("healthy")).tryReserve(3000);

    assertThat(ranked()).containsExactly("healthy", "failed");
  }

  @Test
  void stemCellViewIsCachedForItsLifetime() {
    FakeNode fake = new FakeNode("stem").withStemCells(Runtime.PYTHON, 1);
    Node stem = node(fake);
    stem.ensureImage(IMAGE);

    placement.rank(registry.nodes(), SPEC, IMAGE, NOW);
    placement.rank(registry.nodes(), SPEC, IMAGE, NOW.plusMillis(500));
    assertThat(fake.stemCellQueries).hasValue(1);

    stem.tookStemCell(Runtime.PYTHON);
    assertThat(stem.stemCellsReady(Runtime.PYTHON, NOW.plusMillis(600), Duration.ofSeconds(1)))
        .as("a taken stem cell counts at once")
        .isZero();

    placement.rank(registry.nodes(), SPEC, IMAGE, NOW.plusSeconds(2));
    assertThat(fake.stemCellQueries).hasValue(2);
  }

  @Test
  void lostNodesAreLeftOut() {
    node(new FakeNode("gone"));
    node(new FakeNode("here"));
    Node gone = registry.get("gone");
    registry.remove("gone");

    assertThat(gone.isLost()).isTrue();
    assertThat(ranked()).containsExactly("here");
  }
}
