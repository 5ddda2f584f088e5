package dev.kiln.builder.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding kiln.yaml in a function directory, and writing a spec back as YAML. */
class FunctionSpecFilesTest {

  private static FunctionSpec parse(String yaml) {
    return FunctionSpecReader.parse(yaml, "kiln.yaml");
  }

  @Test
  void readsKilnYamlFromDirectory(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("kiln.yaml"), "name: hi\nruntime: node\n");
    assertThat(FunctionSpecReader.read(dir).name()).isEqualTo("hi");
  }

  @Test
  void readsKilnYmlAndUsesItsNameInErrors(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("kiln.yml"), "name: hi\nruntime: cobol\n");
    assertThatThrownBy(() -> FunctionSpecReader.read(dir))
        .isInstanceOf(SpecException.class)
        .hasMessage(
            "kiln.yml: runtime: unknown runtime 'cobol' (known: java, python, node, binary)");
  }

  @Test
  void readRejectsMissingDuplicateAndOversizedFiles(@TempDir Path dir) throws IOException {
    assertThatThrownBy(() -> FunctionSpecReader.read(dir))
        .hasMessage(
            "kiln.yaml: not found in " + dir + "; create one with at least 'name' and 'runtime'");

    Files.writeString(dir.resolve("kiln.yaml"), "#" + "x".repeat(70_000));
    assertThatThrownBy(() -> FunctionSpecReader.read(dir))
        .hasMessage("kiln.yaml: the file is larger than 64 KiB; is it the right file?");

    Files.writeString(dir.resolve("kiln.yml"), "name: hi\nruntime: node\n");
    assertThatThrownBy(() -> FunctionSpecReader.read(dir))
        .hasMessage("kiln.yaml: both kiln.yaml and kiln.yml exist in " + dir + "; keep one");
  }

  @Test
  void writesReadableYaml() {
    FunctionSpec spec =
        new FunctionSpec(
            "hello-python",
            Runtime.PYTHON,
            "handler.handle",
            Limits.DEFAULT,
            Map.of("GREETING", "Hello"));

    assertThat(FunctionSpecReader.toYaml(spec))
        .isEqualTo(
            """
            name: hello-python
            runtime: python
            handler: handler.handle
            memory: 128
            cpu: 500
            pids: 64
            timeout: 30s
            env:
              GREETING: Hello
            """);
  }

  @Test
  void writtenYamlRoundTrips() {
    FunctionSpec spec =
        new FunctionSpec(
            "tricky",
            Runtime.BINARY,
            "bin/run --flag",
            new Limits(1024, 1500, 200, Duration.ofMillis(2500)),
            Map.of(
                "BOOL", "true",
                "NUM", "0123",
                "FLOAT", "1.50",
                "NULLISH", "null",
                "YES", "yes",
                "EMPTY", "",
                "COLON", "a: b",
                "HASH", "#not a comment",
                "SPACES", "  padded  ",
                "MULTI", "line1\nline2"));

    assertThat(parse(FunctionSpecReader.toYaml(spec))).isEqualTo(spec);
  }

  @Test
  void timeoutUnitsAreChosenToRoundTrip() {
    for (Duration d :
        new Duration[] {
          Duration.ofMillis(1),
          Duration.ofSeconds(90),
          Duration.ofMinutes(60),
          Duration.ofMinutes(7)
        }) {
      FunctionSpec spec =
          new FunctionSpec("t", Runtime.NODE, "h.h", Limits.DEFAULT.withTimeout(d), Map.of());
      assertThat(parse(FunctionSpecReader.toYaml(spec)).limits().timeout()).isEqualTo(d);
    }
  }

  @Test
  void subMillisecondTimeoutCannotBeWritten() {
    FunctionSpec spec =
        new FunctionSpec(
            "t", Runtime.NODE, "h.h", Limits.DEFAULT.withTimeout(Duration.ofNanos(10)), Map.of());
    assertThatThrownBy(() -> FunctionSpecReader.toYaml(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout PT0.00000001S cannot be written to kiln.yaml: use whole milliseconds");
  }
}
