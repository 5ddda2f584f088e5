package dev.kiln.builder.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds garbage and mangled files to the reader: whatever the input, the only failure a user may
 * see is a {@link SpecException} with the file name in front.
 */
class FunctionSpecReaderFuzzTest {

  private static final String VALID =
      """
      name: hello-python
      runtime: python
      handler: handler.handle
      memory: "256Mi"
      cpu: 500m
      pids: 64
      timeout: 30s
      env: {GREETING: Hello, N: 3}
      build: {}
      """;

  private static final String ALPHABET = "abcnrt:{}[],&*!|>-?'\"#%@`\\ \t\n0123456789.~";

  @Test
  void randomTextOnlyEverFailsWithSpecException() {
    Random random = new Random(42);
    for (int i = 0; i < 3000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(200);
      for (int j = 0; j < length; j++) {
        text.append(
            random.nextInt(10) == 0
                ? (char) random.nextInt(0x3000)
                : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      assertOnlySpecException(text.toString());
    }
  }

  @Test
  void mutatedValidFilesOnlyEverFailWithSpecException() {
    Random random = new Random(7);
    for (int i = 0; i < 3000; i++) {
      StringBuilder text = new StringBuilder(VALID);
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(text.length());
        switch (random.nextInt(3)) {
          case 0 -> text.deleteCharAt(at);
          case 1 -> text.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
          default -> text.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
      }
      assertOnlySpecException(text.toString());
    }
  }

  @Test
  void deeplyNestedFlowCollectionsFailCleanly() {
    assertOnlySpecException("a: " + "{a: ".repeat(10_000));
    assertOnlySpecException("- ".repeat(10_000) + "x");
  }

  private static void assertOnlySpecException(String yaml) {
    try {
      FunctionSpecReader.parse(yaml, "kiln.yaml");
    } catch (SpecException e) {
      assertThat(e).hasMessageStartingWith("kiln.yaml: ");
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("input " + quote(yaml) + " threw " + e, e);
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + "\"";
  }
}
