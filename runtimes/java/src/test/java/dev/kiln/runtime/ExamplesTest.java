package dev.kiln.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.http.HttpRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The hello examples under {@code examples/} run on their runners as their kiln.yaml says. */
@Timeout(120)
class ExamplesTest {

  @TempDir Path dir;

  private RunnerProcess runner;

  @AfterEach
  void stopRunner() {
    if (runner != null) {
      runner.close();
    }
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void helloGreetsByQueryByBodyOrTheWorld(RunnerKind kind) throws Exception {
    String kilnYaml = Files.readString(kind.example().resolve("kiln.yaml"));
    Path code = dir.resolve("code");
    kind.writeExample(code);
    runner = RunnerProcess.start(kind, dir, Map.of());

    assertThat(
            runner
                .init(
                    field(kilnYaml, "handler"),
                    code,
                    Map.of("GREETING", field(kilnYaml, "GREETING")))
                .status())
        .isEqualTo(200);

    assertThat(runner.send(HttpRequest.get("/?name=Kiln")).bodyAsString())
        .isEqualTo("Hello, Kiln!");
    assertThat(runner.send(HttpRequest.post("/", "Ada")).bodyAsString()).isEqualTo("Hello, Ada!");
    assertThat(runner.send(HttpRequest.get("/")).bodyAsString()).isEqualTo("Hello, world!");
  }

  /** One {@code key: value} line of a kiln.yaml; enough for the flat examples. */
  private static String field(String yaml, String key) throws IOException {
    Matcher m = Pattern.compile("(?m)^\\s*" + key + ":\\s*(\\S+)").matcher(yaml);
    if (!m.find()) {
      throw new IOException("kiln.yaml has no " + key);
    }
    return m.group(1);
  }
}
