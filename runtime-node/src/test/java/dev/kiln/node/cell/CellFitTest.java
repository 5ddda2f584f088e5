package dev.kiln.node.cell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

class CellFitTest {
  private static final Digest SKELETON = Digest.sha256("skeleton".getBytes());
  private static final Digest PYTHON = Digest.sha256("python".getBytes());
  private static final Digest RUNNER = Digest.sha256("runner".getBytes());
  private static final Digest NODE = Digest.sha256("node".getBytes());
  private static final Digest CODE = Digest.sha256("code".getBytes());

  @Test
  void imageOnTheRuntimesLayersFits() {
    assertThat(
            CellFit.baseMismatch(
                List.of(SKELETON, PYTHON, RUNNER), List.of(SKELETON, PYTHON, RUNNER, CODE)))
        .isEmpty();
    assertThat(
            CellFit.baseMismatch(
                List.of(SKELETON, PYTHON, RUNNER), List.of(SKELETON, PYTHON, RUNNER)))
        .as("a function with no layers of its own")
        .isEmpty();
  }

  @Test
  void anotherBaseDoesNotFitAndSaysWhere() {
    assertThat(
            CellFit.baseMismatch(
                List.of(SKELETON, PYTHON, RUNNER), List.of(SKELETON, NODE, RUNNER, CODE)))
        .get()
        .asString()
        .startsWith("layer 2 is " + NODE + ", not the runtime image's " + PYTHON);
  }

  @Test
  void fewerLayersThanTheRuntimeDoNotFit() {
    assertThat(CellFit.baseMismatch(List.of(SKELETON, PYTHON, RUNNER), List.of(SKELETON, PYTHON)))
        .contains("the image has 2 layers, fewer than the runtime image's 3");
  }
}
