package dev.kiln.builder.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.FunctionSpec;
import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FunctionSpecReaderTest {

  private static FunctionSpec parse(String yaml) {
    return FunctionSpecReader.parse(yaml, "kiln.yaml");
  }

  private static void assertRejected(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(SpecException.class).hasMessage(message);
  }

  @Test
  void readsEveryField() {
    FunctionSpec spec =
        parse(
            """
            name: hello-python
            runtime: python          # java | python | node | binary
            handler: app.main
            memory: 256
            cpu: 750
            pids: 32
            timeout: 2m
            env: {GREETING: Hello, RETRIES: 3, VERBOSE: true, RATIO: 0.5}
            build: {}
            """);

    assertThat(spec.name()).isEqualTo("hello-python");
    assertThat(spec.runtime()).isEqualTo(Runtime.PYTHON);
    assertThat(spec.handler()).isEqualTo("app.main");
    assertThat(spec.limits()).isEqualTo(new Limits(256, 750, 32, Duration.ofMinutes(2)));
    assertThat(spec.env())
        .containsExactly(
            Map.entry("GREETING", "Hello"),
            Map.entry("RATIO", "0.5"),
            Map.entry("RETRIES", "3"),
            Map.entry("VERBOSE", "true"));
  }

  @Test
  void omittedFieldsTakeDefaults() {
    FunctionSpec spec = parse("name: hi\nruntime: node\n");

    assertThat(spec.handler()).isEqualTo("handler.handle");
    assertThat(spec.limits()).isEqualTo(Limits.DEFAULT);
    assertThat(spec.env()).isEmpty();
  }

  @Test
  void pythonDefaultsHandlerToo() {
    assertThat(parse("name: hi\nruntime: PYTHON\n").handler()).isEqualTo("handler.handle");
  }

  @Test
  void javaNeedsAHandlerClass() {
    assertRejected(
        "name: hi\nruntime: java\n",
        "kiln.yaml: handler: required for runtime java: the handler class, e.g."
            + " com.example.Hello");
    assertThat(parse("name: hi\nruntime: java\nhandler: com.example.Hello").handler())
        .isEqualTo("com.example.Hello");
  }

  @Test
  void binaryNeedsAnExecutable() {
    assertRejected(
        "name: hi\nruntime: binary\n",
        "kiln.yaml: handler: required for runtime binary: the executable's path, e.g."
            + " bin/handler");
  }

  @ParameterizedTest
  @CsvSource({"128, 128", "'\"256Mi\"', 256", "256MiB, 256", "1Gi, 1024", "2GiB, 2048"})
  void memoryAcceptsMebibytesAndGibibytes(String value, int expected) {
    assertThat(parse("name: hi\nruntime: node\nmemory: " + value).limits().memoryMiB())
        .isEqualTo(expected);
  }

  @Test
  void memoryRejectsWords() {
    assertRejected(
        "name: hi\nruntime: node\nmemory: lots",
        "kiln.yaml: memory: expected a size in MiB such as 128 or \"256Mi\", got \"lots\"");
  }

  @Test
  void memoryRejectsMegabytesWrittenTheDecimalWay() {
    assertRejected(
        "name: hi\nruntime: node\nmemory: 128MB",
        "kiln.yaml: memory: expected a size in MiB such as 128 or \"256Mi\", got \"128MB\"");
  }

  @Test
  void memoryOutsideLimitsRangeNamesFileAndField() {
    assertRejected(
        "name: hi\nruntime: node\nmemory: 8",
        "kiln.yaml: memory: must be between 16 and 65536 MiB, got 8");
  }

  @Test
  void hugeNumbersAreRejectedNotWrapped() {
    assertRejected(
        "name: hi\nruntime: node\nmemory: 99999999999999999999",
        "kiln.yaml: memory: expected a size in MiB such as 128 or \"256Mi\", got"
            + " 99999999999999999999");
  }

  @ParameterizedTest
  @CsvSource({"500, 500", "250m, 250", "1 core, 1000", "2cores, 2000", "0.5 cores, 500"})
  void cpuAcceptsMillicoresAndCores(String value, int expected) {
    assertThat(parse("name: hi\nruntime: node\ncpu: " + value).limits().cpuMillis())
        .isEqualTo(expected);
  }

  @Test
  void cpuRejectsAFractionWithoutUnit() {
    assertRejected(
        "name: hi\nruntime: node\ncpu: 0.5",
        "kiln.yaml: cpu: expected millicores such as 500 or \"500m\", or cores such as \"1"
            + " core\", got 0.5");
  }

  @Test
  void smallBareCpuNumberHintsAtMillicores() {
    assertRejected(
        "name: hi\nruntime: node\ncpu: 1",
        "kiln.yaml: cpu: must be between 10 and 64000 millicores, got 1 (cpu is in millicores:"
            + " write 1000 or \"1 core\" for one core)");
  }

  @Test
  void pidsMustBeWhole() {
    assertThat(parse("name: hi\nruntime: node\npids: 10").limits().pids()).isEqualTo(10);
    assertRejected(
        "name: hi\nruntime: node\npids: many",
        "kiln.yaml: pids: expected a whole number of processes such as 64, got \"many\"");
    assertRejected(
        "name: hi\nruntime: node\npids: 0", "kiln.yaml: pids: must be between 1 and 32768, got 0");
  }

  @ParameterizedTest
  @CsvSource({"500ms, PT0.5S", "30s, PT30S", "2m, PT2M", "1h, PT1H"})
  void timeoutNeedsAUnit(String value, Duration expected) {
    assertThat(parse("name: hi\nruntime: node\ntimeout: " + value).limits().timeout())
        .isEqualTo(expected);
  }

  @Test
  void timeoutWithoutUnitIsRejected() {
    assertRejected(
        "name: hi\nruntime: node\ntimeout: 30",
        "kiln.yaml: timeout: expected a duration with a unit such as \"500ms\", \"30s\" or"
            + " \"2m\", got 30");
  }

  @Test
  void timeoutAboveAnHourIsRejectedByLimits() {
    assertRejected(
        "name: hi\nruntime: node\ntimeout: 2h", "kiln.yaml: timeout: must be at most 1h, got PT2H");
  }

  @Test
  void envMustBeAMapping() {
    assertRejected(
        "name: hi\nruntime: node\nenv: [A, B]",
        "kiln.yaml: env: expected a mapping of names to values, got a list");
  }

  @Test
  void envValueMustBeScalar() {
    assertRejected(
        "name: hi\nruntime: node\nenv: {A: {B: c}}",
        "kiln.yaml: env: 'A' must be a string, number or boolean, got a mapping");
    assertRejected(
        "name: hi\nruntime: node\nenv: {A: }",
        "kiln.yaml: env: 'A' must be a string, number or boolean, got nothing (null) (write \"\""
            + " for an empty value)");
  }

  @Test
  void envNameValidationComesFromFunctionSpec() {
    assertRejected(
        "name: hi\nruntime: node\nenv: {my-var: x}",
        "kiln.yaml: env: 'my-var' is not a valid environment variable name");
    assertRejected(
        "name: hi\nruntime: node\nenv: {KILN_X: x}",
        "kiln.yaml: env: 'KILN_X' uses the KILN_ prefix, which is reserved for the platform");
  }

  @Test
  void nameValidationComesFromFunctionSpec() {
    assertRejected(
        "name: Hello_World\nruntime: node",
        "kiln.yaml: name: 'Hello_World' is not a valid function name (lowercase letters, digits"
            + " and '-', starting with a letter, at most 63 characters)");
  }

  @Test
  void missingNameAndRuntime() {
    assertRejected(
        "runtime: node", "kiln.yaml: name: missing; give the function a name such as hello-python");
    assertRejected("name: hi", "kiln.yaml: runtime: missing; one of java, python, node, binary");
  }

  @Test
  void unknownRuntimeListsKnownOnes() {
    assertRejected(
        "name: hi\nruntime: ruby",
        "kiln.yaml: runtime: unknown runtime 'ruby' (known: java, python, node, binary)");
  }

  @Test
  void wrongTypeNamesFieldAndExpectation() {
    assertRejected(
        "name: [a]\nruntime: node",
        "kiln.yaml: name: expected a function name such as hello-python, got a list");
    assertRejected(
        "name: hi\nruntime: 3",
        "kiln.yaml: runtime: expected one of java, python, node, binary, got 3");
    assertRejected(
        "name: hi\nruntime: node\nhandler: true",
        "kiln.yaml: handler: expected a string such as handler.handle, got true");
  }

  @Test
  void unknownKeyIsNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> parse("name: hi\nruntime: node\nmemroy: 128"))
        .isInstanceOf(SpecException.class)
        .hasMessage(
            "kiln.yaml: memroy: unknown key (known keys: name, runtime, handler, memory, cpu,"
                + " pids, timeout, env, build)")
        .satisfies(
            e -> {
              assertThat(((SpecException) e).field()).isEqualTo("memroy");
              assertThat(((SpecException) e).source()).isEqualTo("kiln.yaml");
            });
  }

  @Test
  void buildSectionIsReserved() {
    assertRejected(
        "name: hi\nruntime: node\nbuild: {steps: 1}",
        "kiln.yaml: build: no build options are supported yet, got 'steps'");
    assertRejected(
        "name: hi\nruntime: node\nbuild: yes", "kiln.yaml: build: expected a mapping, got true");
  }

  @Test
  void syntaxErrorGivesLineAndColumn() {
    assertRejected(
        "name: hi\nruntime: node\nenv: {A: b\n",
        "kiln.yaml: invalid YAML at line 4, column 1: expected ',' or '}', but got <stream end>");
  }

  @Test
  void badIndentationGivesLineAndColumn() {
    assertRejected(
        "name: hi\n  runtime: node\n",
        "kiln.yaml: invalid YAML at line 2, column 10: mapping values are not allowed here");
  }

  @Test
  void emptyAndNonMappingDocuments() {
    assertRejected("", "kiln.yaml: the file is empty; it needs at least 'name' and 'runtime'");
    assertRejected(
        "# nothing\n", "kiln.yaml: the file is empty; it needs at least 'name' and 'runtime'");
    assertRejected(
        "- name: hi",
        "kiln.yaml: expected a mapping of settings such as 'name: hello', got a list");
  }

  @Test
  void duplicateKeysAreRejected() {
    assertRejected(
        "name: hi\nruntime: node\nname: other",
        "kiln.yaml: duplicate key 'name' at line 3, column 5");
  }

  @Test
  void anchorsAndAliasesAreRejected() {
    assertRejected(
        "name: hi\nruntime: node\nenv: &e {A: b}",
        "kiln.yaml: YAML anchors (&e) are not supported at line 3, column 10; write the value"
            + " out in full");
    assertRejected(
        "name: hi\nruntime: node\nenv: {A: x, B: *a}",
        "kiln.yaml: YAML aliases (*a) are not supported at line 3, column 18; write the value out"
            + " in full");
  }

  @Test
  void billionLaughsIsRejectedBeforeExpansion() {
    StringBuilder yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char p = (char) (c - 1);
      yaml.append(c).append(": &").append(c);
      yaml.append(" [*").append(p).append(",*").append(p).append(",*").append(p).append("]\n");
    }
    assertThatThrownBy(() -> parse(yaml.toString()))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("kiln.yaml: YAML anchors (&a) are not supported");
  }

  @Test
  void deepNestingIsRejected() {
    String yaml = "name: hi\nruntime: node\nenv: " + "[".repeat(5000) + "]".repeat(5000);
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("kiln.yaml: ");
  }

  @Test
  void oversizedTextIsRejected() {
    String yaml = "name: hi\nruntime: node\n# " + "x".repeat(FunctionSpecReader.MAX_BYTES);
    assertRejected(yaml, "kiln.yaml: the file is larger than 64 KiB; is it the right file?");
  }
}
