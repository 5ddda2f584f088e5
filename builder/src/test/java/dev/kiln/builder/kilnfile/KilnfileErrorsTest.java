package dev.kiln.builder.kilnfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a Kilnfile is refused, checked by the message a user reads. */
class KilnfileErrorsTest {

  private static void assertRejected(String text, String message) {
    assertThatThrownBy(() -> Kilnfile.parse(text))
        .isInstanceOf(KilnfileException.class)
        .hasMessage(message);
  }

  @Test
  void runExplainsWhyAndWhatToDoInstead() {
    assertThatThrownBy(
            () ->
                Kilnfile.parse(
                    "FROM alpine\n\n# setup\nWORKDIR /app\nCOPY . .\nENV A=1\nrun pip install x\n"))
        .isInstanceOfSatisfying(
            KilnfileException.class,
            e -> {
              assertThat(e.line()).isEqualTo(7);
              assertThat(e.problem()).startsWith("RUN is not supported yet");
            })
        .hasMessage(
            "Kilnfile line 7: RUN is not supported yet: Kiln builds images without running build"
                + " containers; copy prebuilt files instead");
  }

  @Test
  void unknownInstructionIsQuotedAsWritten() {
    assertRejected(
        "FROM alpine\nWORKDIR /app\nCOPPY a b\n", "Kilnfile line 3: unknown instruction 'COPPY'");
  }

  @Test
  void addSuggestsCopy() {
    assertRejected(
        "FROM alpine\nADD https://example.com/x.tgz /x\n",
        "Kilnfile line 2: ADD is not supported: use COPY (Kiln does not download URLs or unpack"
            + " archives while building)");
  }

  @Test
  void otherDockerInstructionsAreNotSupportedYet() {
    assertRejected(
        "FROM alpine\nHEALTHCHECK CMD true\n", "Kilnfile line 2: HEALTHCHECK is not supported yet");
    assertRejected(
        "FROM alpine\nMAINTAINER me\n",
        "Kilnfile line 2: MAINTAINER is not supported: use LABEL maintainer=\"...\"");
  }

  @Test
  void secondFromIsAMultiStageBuild() {
    assertRejected(
        "FROM golang AS build\nCOPY . /src/\nFROM alpine\n",
        "Kilnfile line 3: multi-stage builds are not supported yet (the first FROM is on line 1)");
  }

  @Test
  void onlyArgMayPrecedeFrom() {
    assertRejected(
        "ARG V=1\nENV A=1\nFROM alpine\n",
        "Kilnfile line 2: ENV comes before FROM; a Kilnfile starts with FROM <image> (only ARG may"
            + " come before it)");
  }

  @Test
  void aKilnfileNeedsFrom() {
    assertRejected("", "Kilnfile line 1: no FROM instruction; a Kilnfile starts with FROM <image>");
    assertRejected(
        "# only comments\n\nARG A=1\n",
        "Kilnfile line 3: no FROM instruction; a Kilnfile starts with FROM <image>");
  }

  @Test
  void copyFromIsRefusedForNow() {
    assertRejected(
        "FROM alpine\nCOPY --from=build /out/app /app\n",
        "Kilnfile line 2: COPY --from is not supported yet (it needs multi-stage builds); copy"
            + " files from the build context instead");
  }

  @Test
  void unknownAndUnsupportedFlags() {
    assertRejected(
        "FROM alpine\nCOPY --chmod=755 a /a\n",
        "Kilnfile line 2: COPY --chmod is not supported yet");
    assertRejected("FROM alpine\nCOPY --frob a /a\n", "Kilnfile line 2: COPY: unknown flag --frob");
    assertRejected(
        "FROM --platform=linux/arm64 alpine\n",
        "Kilnfile line 1: FROM --platform is not supported yet; Kiln builds for the platform of"
            + " the base image it pulls");
    assertRejected(
        "FROM alpine\nCOPY --chown a /a\n",
        "Kilnfile line 2: COPY --chown needs a value: --chown=...");
  }

  @Test
  void copySourcesMustStayInsideTheContext() {
    assertRejected(
        "FROM alpine\nWORKDIR /app\n\nCOPY ../x /app/\n",
        "Kilnfile line 4: COPY source '../x' is outside the build context");
    assertRejected(
        "FROM alpine\nCOPY /etc/passwd /etc/\n",
        "Kilnfile line 2: COPY source '/etc/passwd' is outside the build context");
    assertRejected(
        "FROM alpine\nCOPY a/../../b /x\n",
        "Kilnfile line 2: COPY source 'a/../../b' is outside the build context");
  }

  @Test
  void copyNeedsSourceAndDestination() {
    assertRejected(
        "FROM alpine\nCOPY only-one\n",
        "Kilnfile line 2: COPY requires at least one source and a destination: COPY"
            + " [--chown=user:group] source... destination");
  }

  @Test
  void copyOfSeveralFilesNeedsADirectory() {
    assertRejected(
        "FROM alpine\nCOPY a b /app\n",
        "Kilnfile line 2: COPY with several sources or a wildcard needs a directory destination"
            + " ending in '/', got '/app'");
    assertRejected(
        "FROM alpine\nCOPY *.py /app\n",
        "Kilnfile line 2: COPY with several sources or a wildcard needs a directory destination"
            + " ending in '/', got '/app'");
  }

  @Test
  void copyHeredocIsRefused() {
    assertRejected(
        "FROM alpine\nCOPY <<EOF /x\n",
        "Kilnfile line 2: COPY heredocs (<<EOF) are not supported; put the content in a file in"
            + " the build context");
  }

  @Test
  void missingArguments() {
    assertRejected("FROM\n", "Kilnfile line 1: FROM requires arguments: FROM image [AS name]");
    assertRejected(
        "FROM alpine\nWORKDIR\n", "Kilnfile line 2: WORKDIR requires arguments: WORKDIR /path");
    assertRejected(
        "FROM alpine\nCMD\n",
        "Kilnfile line 2: CMD requires arguments: CMD [\"executable\", \"arg\"...] or CMD command"
            + " line");
    assertRejected("FROM alpine\nENV A\n", "Kilnfile line 2: ENV A needs a value: ENV NAME=value");
  }

  @Test
  void fromShapeAndImage() {
    assertRejected(
        "FROM alpine base\n", "Kilnfile line 1: FROM expects 'FROM image' or 'FROM image AS name'");
    assertRejected(
        "FROM Alpine\n",
        "Kilnfile line 1: FROM image 'Alpine' is not a valid reference: invalid repository name"
            + " 'library/Alpine': use lowercase letters, digits and separators (. _ -), with /"
            + " between parts");
    assertRejected(
        "ARG BASE\nFROM $BASE\n",
        "Kilnfile line 2: FROM image '$BASE' is empty after substituting variables; pass it with a"
            + " build argument or give the ARG a default");
  }

  @Test
  void unterminatedJsonArray() {
    assertRejected(
        "FROM alpine\nCMD [\"python\", \"app.py\"\n",
        "Kilnfile line 2: CMD: unterminated JSON array, missing ']' (the exec form is a JSON array"
            + " of double-quoted strings, e.g. [\"python\", \"app.py\"])");
  }

  @Test
  void jsonArrayOfNonStrings() {
    assertRejected(
        "FROM alpine\nENTRYPOINT [\"run\", 1]\n",
        "Kilnfile line 2: ENTRYPOINT: JSON array items must be strings, got 1 (the exec form is a"
            + " JSON array of double-quoted strings, e.g. [\"python\", \"app.py\"])");
  }

  @Test
  void singleQuotedJsonIsExplained() {
    assertThatThrownBy(() -> Kilnfile.parse("FROM alpine\nCMD ['python']\n"))
        .isInstanceOf(KilnfileException.class)
        .hasMessageStartingWith("Kilnfile line 2: CMD: invalid JSON array: Unexpected character")
        .hasMessageEndingWith(
            "(the exec form is a JSON array of double-quoted strings, e.g. [\"python\","
                + " \"app.py\"])");
  }

  @Test
  void textAfterJsonArray() {
    assertRejected(
        "FROM alpine\nCMD [\"a\"] b\n",
        "Kilnfile line 2: CMD: unexpected text after the JSON array's closing ']' (the exec form"
            + " is a JSON array of double-quoted strings, e.g. [\"python\", \"app.py\"])");
  }

  @Test
  void exposeNeedsPorts() {
    assertRejected(
        "FROM alpine\nEXPOSE http\n",
        "Kilnfile line 2: EXPOSE port 'http' is not valid: expected a number from 1 to 65535,"
            + " optionally with /tcp, /udp or /sctp (ranges are not supported)");
    assertRejected(
        "FROM alpine\nEXPOSE 70000\n",
        "Kilnfile line 2: EXPOSE port 70000 is out of range: expected 1 to 65535");
    assertRejected(
        "FROM alpine\nEXPOSE 53/icmp\n",
        "Kilnfile line 2: EXPOSE protocol 'icmp' is not one of tcp, udp, sctp");
  }

  @Test
  void userTakesOneWord() {
    assertRejected(
        "FROM alpine\nUSER app extra\n",
        "Kilnfile line 2: USER takes one argument: USER user[:group]");
  }

  @Test
  void envNeedsNameValuePairs() {
    assertRejected(
        "FROM alpine\nENV A=1 B\n", "Kilnfile line 2: ENV: expected name=value, got 'B'");
    assertRejected(
        "FROM alpine\nLABEL =x\n", "Kilnfile line 2: LABEL: expected name=value, got '=x'");
  }

  @Test
  void argNamesAreChecked() {
    assertRejected(
        "ARG 1X=2\nFROM alpine\n",
        "Kilnfile line 1: ARG name '1X' is not valid: use letters, digits and '_', not starting"
            + " with a digit");
  }

  @Test
  void badQuotesAndSubstitutions() {
    assertRejected(
        "FROM alpine\nENV A=\"open\n", "Kilnfile line 2: unterminated double quote in 'A=\"open'");
    assertRejected(
        "FROM alpine\nWORKDIR '/app\n", "Kilnfile line 2: unterminated single quote in ''/app'");
    assertRejected(
        "FROM alpine\nENV A=${B\n",
        "Kilnfile line 2: unterminated variable reference '${B': missing '}'");
    assertRejected(
        "FROM alpine\nENV A=${}\n",
        "Kilnfile line 2: bad substitution in '${}': '${' must be followed by a variable name");
    assertRejected(
        "FROM alpine\nENV A=${B%%x}\n",
        "Kilnfile line 2: unsupported substitution '${B%': use ${B}, ${B:-default},"
            + " ${B:+alternative} or ${B:?message}");
    assertRejected(
        "FROM alpine\nENV A=\"${TOKEN:?pass it with --build-arg TOKEN=...}\"\n",
        "Kilnfile line 2: TOKEN: pass it with --build-arg TOKEN=...");
    assertRejected(
        "FROM alpine\nENV A=${TOKEN?}\n", "Kilnfile line 2: TOKEN: required variable is not set");
  }

  @Test
  void deeplyNestedSubstitutionIsRefused() {
    String nested = "${A:-".repeat(100) + "x" + "}".repeat(100);
    assertThatThrownBy(() -> Kilnfile.parse("FROM alpine\nENV A=" + nested + "\n"))
        .isInstanceOf(KilnfileException.class)
        .hasMessageStartingWith("Kilnfile line 2: variable references nested more than 16 deep");
  }

  @Test
  void escapeDirectiveOtherThanBackslashIsRefused() {
    assertRejected(
        "# escape=`\nFROM alpine\n",
        "Kilnfile line 1: the escape directive '`' is not supported; Kilnfiles use '\\' as the"
            + " escape character");
    assertThat(Kilnfile.parse("# escape=\\\nFROM alpine\n").from().line()).isEqualTo(2);
  }

  @Test
  void errorInAContinuedInstructionNamesItsFirstLine() {
    assertRejected(
        "FROM alpine\nCOPY a \\\n  b \\\n  /app\n",
        "Kilnfile line 2: COPY with several sources or a wildcard needs a directory destination"
            + " ending in '/', got '/app'");
  }

  @Test
  void textLargerThanOneMebibyteIsRefusedAtTheLineWhereItOverflows() {
    String line = "LABEL padding=" + "x".repeat(1009) + "\n"; // 1024 bytes
    String text = "FROM alpine\n" + line.repeat(1100);

    assertRejected(
        text,
        "Kilnfile line 1025: the Kilnfile is larger than 1 MiB, the most Kiln reads; is it the"
            + " right file?");
  }

  @Test
  void hugeFileIsRefusedWithoutReadingItAll(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("Kilnfile");
    Files.writeString(file, "FROM alpine\n# " + "x".repeat(3 * 1024 * 1024));

    assertThatThrownBy(() -> Kilnfile.read(file, Map.of()))
        .isInstanceOf(KilnfileException.class)
        .hasMessage(
            "Kilnfile line 2: the Kilnfile is larger than 1 MiB, the most Kiln reads; is it the"
                + " right file?");
  }

  @Test
  void recordsValidateWhenBuiltDirectly() {
    assertThatThrownBy(() -> new Kilnfile(java.util.List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a Kilnfile has exactly one FROM instruction, got 0");
    assertThatThrownBy(() -> new Instruction.Workdir("app", 1))
        .hasMessage("WORKDIR 'app' must be an absolute, normalised path");
  }
}
