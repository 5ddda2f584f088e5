package dev.kiln.builder.kilnfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Feeds random and hostile text to the parser: whatever the input, the only failure a user may see
 * is a {@link KilnfileException} naming a line. Seeds are fixed so a failure reproduces.
 */
class KilnfileFuzzTest {

  private static final String VALID =
      """
      # syntax=docker/dockerfile:1
      ARG BASE=python:3.12-slim
      FROM ${BASE} AS fn
      ARG MODE
      ENV GREETING="Hello ${MODE:-world}" \\
          PORT=8080
      WORKDIR /app
      COPY --chown=app:app ["handler.py", "lib/", "./"]
      LABEL org.example.name=fn version="1.0"
      USER app
      EXPOSE $PORT 53/udp
      ENTRYPOINT ["python", "-m", "runner"]
      CMD handler.handle
      """;

  private static final String CHARS = "aAzZ09 \t\n\\\"'$:{}[]-+?=#/.,*<>%`@";

  private static final List<String> KEYWORDS =
      List.of(
          "FROM",
          "from",
          "COPY",
          "ENV",
          "ARG",
          "WORKDIR",
          "USER",
          "LABEL",
          "EXPOSE",
          "CMD",
          "ENTRYPOINT",
          "RUN",
          "ADD",
          "ONBUILD",
          "COPPY",
          "#",
          "",
          "\\");

  private static final List<String> TOKENS =
      List.of(
          "alpine",
          "AS",
          "as",
          "x",
          "a=b",
          "A=\"b c\"",
          "'q'",
          "\"",
          "'",
          "\\",
          "$",
          "$A",
          "${A}",
          "${A:-d}",
          "${A:+",
          "${",
          "}",
          "${A:?}",
          "[",
          "]",
          "[\"a\"",
          "[\"a\",",
          "[\"a\"]",
          "[1]",
          "--chown=a",
          "--from=b",
          "--",
          "--x",
          "../x",
          "/abs",
          ".",
          "*.py",
          "dir/",
          "8080",
          "80/tcp",
          "0",
          "99999",
          "=",
          "==",
          " ",
          "\t",
          "\\\n",
          "\n",
          "<<EOF",
          "scratch",
          "\u00e9",
          "\uFEFF");

  @Test
  void randomCharactersOnlyEverFailWithKilnfileException() {
    Random random = new Random(1);
    for (int i = 0; i < 5000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(300);
      for (int j = 0; j < length; j++) {
        text.append(
            random.nextInt(20) == 0
                ? (char) random.nextInt(0x10000)
                : CHARS.charAt(random.nextInt(CHARS.length())));
      }
      assertOnlyKilnfileException(text.toString(), Map.of());
    }
  }

  @Test
  void randomInstructionsOnlyEverFailWithKilnfileException() {
    Random random = new Random(2);
    for (int i = 0; i < 5000; i++) {
      StringBuilder text = new StringBuilder(random.nextBoolean() ? "FROM alpine\n" : "");
      int lines = random.nextInt(8);
      for (int l = 0; l < lines; l++) {
        text.append(KEYWORDS.get(random.nextInt(KEYWORDS.size())));
        int words = random.nextInt(6);
        for (int w = 0; w < words; w++) {
          text.append(random.nextInt(3) == 0 ? "" : " ");
          text.append(TOKENS.get(random.nextInt(TOKENS.size())));
        }
        text.append('\n');
      }
      assertOnlyKilnfileException(text.toString(), Map.of("A", "v", "BASE", "busybox"));
    }
  }

  @Test
  void mutatedValidKilnfilesOnlyEverFailWithKilnfileException() {
    assertThat(Kilnfile.parse(VALID, Map.of("MODE", "test")).instructions()).hasSize(11);
    Random random = new Random(3);
    for (int i = 0; i < 5000; i++) {
      StringBuilder text = new StringBuilder(VALID);
      int edits = 1 + random.nextInt(5);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(text.length());
        char c = CHARS.charAt(random.nextInt(CHARS.length()));
        switch (random.nextInt(3)) {
          case 0 -> text.deleteCharAt(at);
          case 1 -> text.insert(at, c);
          default -> text.setCharAt(at, c);
        }
      }
      assertOnlyKilnfileException(text.toString(), Map.of());
    }
  }

  /** A guard against hangs (quadratic scans, runaway recursion), not a performance claim. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void hostileShapesFailCleanly() {
    int big = 200_000;
    List<String> inputs =
        List.of(
            "FROM alpine\nENV A=" + "${A:-".repeat(big) + "x",
            "FROM alpine\nENV A=" + "\"$".repeat(big),
            "FROM alpine\nCMD " + "[".repeat(big),
            "FROM alpine\nCMD [\"" + "a\",\"".repeat(big),
            "FROM alpine\nCOPY " + "--a ".repeat(big) + "x /y",
            "# escape=" + " ".repeat(big) + "`\nFROM alpine",
            "FROM alpine\n" + "\\\n".repeat(big),
            "FROM alpine\nENV " + "a=b ".repeat(big),
            "FROM alpine\nEXPOSE " + "1 ".repeat(big),
            "FROM alpine\nWORKDIR " + "../".repeat(big),
            "FROM alpine\nCOPY " + "a/".repeat(big) + " /x",
            "ARG " + "A".repeat(big) + "\nFROM alpine",
            "\\".repeat(big),
            "#".repeat(big),
            "FROM alpine\n" + "'".repeat(big),
            "FROM alpine\nLABEL " + "x".repeat(Kilnfile.MAX_BYTES));
    for (String input : inputs) {
      assertOnlyKilnfileException(input, Map.of());
    }
  }

  private static void assertOnlyKilnfileException(String text, Map<String, String> buildArgs) {
    try {
      Kilnfile.parse(text, buildArgs);
    } catch (KilnfileException e) {
      assertThat(e.line()).isPositive();
      assertThat(e).hasMessageStartingWith("Kilnfile line " + e.line() + ": ");
      assertThat(e.getMessage().length()).isLessThan(1000);
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("input " + quote(text) + " threw " + e, e);
    }
  }

  private static String quote(String s) {
    String shown = s.length() > 300 ? s.substring(0, 300) + "..." : s;
    return "\"" + shown.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + "\"";
  }
}
