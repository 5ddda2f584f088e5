package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneOptionsTest {

  @Test
  void flagsWinOverTheEnvironmentWhichWinsOverCliJson(@TempDir Path home) throws Exception {
    Files.createDirectories(home.resolve(".kiln"));
    Files.writeString(
        home.resolve(".kiln/cli.json"), "{\"url\":\"http://file:1/\",\"key\":\"kiln_file\"}");
    ControlPlaneOptions o = new ControlPlaneOptions();
    assertThat(o.resolve(Map.of(), home))
        .isEqualTo(new ControlPlaneOptions.Target("http://file:1", "kiln_file"));
    assertThat(o.resolve(Map.of("KILN_URL", "http://env:2", "KILN_API_KEY", "kiln_env"), home))
        .isEqualTo(new ControlPlaneOptions.Target("http://env:2", "kiln_env"));
    o.url = "http://flag:3";
    assertThat(o.resolve(Map.of("KILN_URL", "http://env:2"), home))
        .isEqualTo(new ControlPlaneOptions.Target("http://flag:3", "kiln_file"));
  }

  @Test
  void kilnHomeMovesCliJson(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("cli.json"), "{\"url\":\"http://h:9\",\"key\":\"kiln_h\"}");
    assertThat(
            new ControlPlaneOptions()
                .resolve(Map.of("KILN_HOME", dir.toString()), Path.of("/nonexistent")))
        .isEqualTo(new ControlPlaneOptions.Target("http://h:9", "kiln_h"));
  }

  @Test
  void withoutAnyTargetItSaysHowToGetOne(@TempDir Path home) {
    assertThatThrownBy(() -> new ControlPlaneOptions().resolve(Map.of(), home))
        .hasMessageStartingWith("no control plane: start one with ./kiln up, or pass --url");
  }
}
