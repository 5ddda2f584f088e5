package dev.kiln.node.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverlayOptionsTest {
  @Test
  void joinsLowerDirsTopFirstAndEscapesSeparators() {
    assertThat(
            OverlayOptions.classic(
                List.of(Path.of("/l/top"), Path.of("/l/a:b"), Path.of("/l/c,d")),
                Path.of("/c/upper"),
                Path.of("/c/work")))
        .isEqualTo("lowerdir=/l/top:/l/a\\:b:/l/c\\,d,upperdir=/c/upper,workdir=/c/work");
  }

  @Test
  void aPageHoldsAboutForty90ByteLayers() {
    List<Path> lowers = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      lowers.add(Path.of("/var/lib/kiln/layers/" + "%064d".formatted(i)));
    }
    String all = OverlayOptions.classic(lowers, Path.of("/u"), Path.of("/w"));
    assertThat(OverlayOptions.fitsInPage(all)).isFalse();
    String few = OverlayOptions.classic(lowers.subList(0, 40), Path.of("/u"), Path.of("/w"));
    assertThat(OverlayOptions.fitsInPage(few)).isTrue();
  }
}
