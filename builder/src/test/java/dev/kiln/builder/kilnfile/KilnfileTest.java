package dev.kiln.builder.kilnfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.builder.kilnfile.Instruction.Arg;
import dev.kiln.builder.kilnfile.Instruction.Cmd;
import dev.kiln.builder.kilnfile.Instruction.Copy;
import dev.kiln.builder.kilnfile.Instruction.Entrypoint;
import dev.kiln.builder.kilnfile.Instruction.Env;
import dev.kiln.builder.kilnfile.Instruction.Expose;
import dev.kiln.builder.kilnfile.Instruction.Expose.Port;
import dev.kiln.builder.kilnfile.Instruction.From;
import dev.kiln.builder.kilnfile.Instruction.Label;
import dev.kiln.builder.kilnfile.Instruction.User;
import dev.kiln.builder.kilnfile.Instruction.Workdir;
import dev.kiln.common.ImageRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a Kilnfile means: instructions, substitution and the normalised text of each. */
class KilnfileTest {

  @Test
  void parsesATypicalFunctionImage() {
    Kilnfile kilnfile =
        Kilnfile.parse(
            """
            # syntax=docker/dockerfile:1
            ARG PY=3.12
            FROM python:${PY}-slim

            # the function
            WORKDIR /app
            ENV GREETING=Hello PYTHONUNBUFFERED=1
            COPY handler.py requirements.txt ./
            USER 1000:1000
            EXPOSE 8080
            LABEL org.opencontainers.image.title="hello python"
            ENTRYPOINT ["python", "-m", "kiln_runner"]
            CMD ["handler.handle"]
            """);

    assertThat(kilnfile.instructions())
        .containsExactly(
            new Arg("PY", "3.12", 2),
            new From("python:3.12-slim", null, 3),
            new Workdir("/app", 6),
            new Env(Map.of("GREETING", "Hello", "PYTHONUNBUFFERED", "1"), 7),
            new Copy(List.of("handler.py", "requirements.txt"), "/app/", null, 8),
            new User("1000:1000", 9),
            new Expose(List.of(new Port(8080, "tcp")), 10),
            new Label(Map.of("org.opencontainers.image.title", "hello python"), 11),
            new Entrypoint(List.of("python", "-m", "kiln_runner"), false, 12),
            new Cmd(List.of("handler.handle"), false, 13));
    assertThat(kilnfile.from().imageRef()).contains(ImageRef.parse("python:3.12-slim"));
    assertThat(kilnfile.all(Copy.class)).hasSize(1);
  }

  @Test
  void createdByIsTheNormalisedInstruction() {
    Kilnfile kilnfile =
        Kilnfile.parse(
            """
            from   alpine:3.20   as   base
            env A=1   B="two words"  C='$not'
            workdir /srv
            copy  --chown=app:app  src/../main.py  .
            expose 53/UDP 80
            cmd python main.py
            entrypoint ["/bin/tini", "--"]
            """);

    assertThat(kilnfile.instructions().stream().map(Instruction::createdBy))
        .containsExactly(
            "FROM alpine:3.20 AS base",
            "ENV A=1 B=\"two words\" C=\"\\$not\"",
            "WORKDIR /srv",
            "COPY --chown=app:app main.py /srv/",
            "EXPOSE 53/udp 80/tcp",
            "CMD [\"/bin/sh\",\"-c\",\"python main.py\"]",
            "ENTRYPOINT [\"/bin/tini\",\"--\"]");
  }

  @Test
  void createdByParsesBackToTheSameInstructions() {
    Kilnfile original =
        Kilnfile.parse(
            """
            ARG V=1
            FROM localhost:5000/base:${V}
            ARG MODE="fast mode"
            ENV PATH_LIKE=/a:/b QUOTE="say \\"hi\\"" DOLLAR='$HOME' EMPTY=""
            LABEL "com.example.vendor"="ACME Inc" version=1.0
            WORKDIR /app
            COPY ["my file.txt", "dir/", "/opt/data/"]
            USER app
            EXPOSE 8080/tcp 9090/sctp
            CMD ["echo", "a \\"quoted\\" word"]
            """);

    String normalised =
        String.join("\n", original.instructions().stream().map(Instruction::createdBy).toList());
    Kilnfile reparsed = Kilnfile.parse(normalised);

    assertThat(reparsed.instructions().stream().map(Instruction::createdBy))
        .containsExactlyElementsOf(
            original.instructions().stream().map(Instruction::createdBy).toList());
  }

  @Test
  void cacheKeyIgnoresFormattingAndHowValuesWereWritten() {
    Kilnfile plain = Kilnfile.parse("FROM alpine\nENV A=1\nCOPY a.txt /x/\n");

    assertThat(plain.all(Env.class).get(0).cacheKey()).isEqualTo("ENV A=1");
    assertThat(plain.all(Copy.class).get(0).cacheKey()).isEqualTo("COPY a.txt /x/");
    Kilnfile spelledOut =
        Kilnfile.parse(
            "ARG ONE=1\nFROM alpine\nARG ONE\n  # comment\nenv   A=${ONE}\nCOPY ./b/../a.txt \\\n   /x/\n");
    assertThat(spelledOut.all(Env.class).get(0).cacheKey())
        .isEqualTo(plain.all(Env.class).get(0).cacheKey());
    assertThat(spelledOut.all(Copy.class).get(0).cacheKey())
        .isEqualTo(plain.all(Copy.class).get(0).cacheKey());
  }

  @Test
  void continuationsJoinLinesAndSkipCommentsAndBlankLines() {
    Kilnfile kilnfile =
        Kilnfile.parse(
            """
            FROM alpine
            ENV A=1 \\
            # a comment inside the continuation
                B=2 \\

                C=3
            CMD echo one \\\t
              two
            """);

    Env env = kilnfile.all(Env.class).get(0);
    assertThat(env.line()).isEqualTo(2);
    assertThat(env.variables())
        .containsExactly(Map.entry("A", "1"), Map.entry("B", "2"), Map.entry("C", "3"));
    assertThat(kilnfile.all(Cmd.class).get(0).command())
        .containsExactly("/bin/sh", "-c", "echo one   two");
    assertThat(kilnfile.all(Cmd.class).get(0).line()).isEqualTo(7);
  }

  @Test
  void trailingContinuationAtEndOfFileEndsTheInstruction() {
    Kilnfile kilnfile = Kilnfile.parse("FROM alpine\nUSER app \\\n");
    assertThat(kilnfile.all(User.class).get(0).user()).isEqualTo("app");
  }

  @Test
  void windowsLineEndingsAndByteOrderMarkAreAccepted() {
    Kilnfile kilnfile = Kilnfile.parse("\uFEFFFROM alpine\r\nUSER app\r\n");
    assertThat(kilnfile.all(User.class).get(0).user()).isEqualTo("app");
  }

  @Test
  void shellFormIsWrappedInBinSh() {
    Kilnfile kilnfile = Kilnfile.parse("FROM alpine\nENTRYPOINT exec ./server --port $PORT\n");

    Entrypoint entrypoint = kilnfile.all(Entrypoint.class).get(0);
    assertThat(entrypoint.shellForm()).isTrue();
    assertThat(entrypoint.command()).containsExactly("/bin/sh", "-c", "exec ./server --port $PORT");
  }

  @Test
  void shellTestBracketsAreShellFormNotJson() {
    Cmd cmd = Kilnfile.parse("FROM alpine\nCMD [ -f /x ] && run\n").all(Cmd.class).get(0);
    assertThat(cmd.command()).containsExactly("/bin/sh", "-c", "[ -f /x ] && run");
  }

  @Test
  void onlyFromAndCopyTakeFlags() {
    Cmd cmd = Kilnfile.parse("FROM alpine\nCMD --help\n").all(Cmd.class).get(0);
    assertThat(cmd.command()).containsExactly("/bin/sh", "-c", "--help");
  }

  @Test
  void emptyExecFormIsAllowed() {
    Cmd cmd = Kilnfile.parse("FROM alpine\nCMD []\n").all(Cmd.class).get(0);
    assertThat(cmd.command()).isEmpty();
    assertThat(cmd.createdBy()).isEqualTo("CMD []");
  }

  @Test
  void copyDestinationsResolveAgainstWorkdir() {
    Kilnfile kilnfile =
        Kilnfile.parse(
            """
            FROM alpine
            COPY a /
            WORKDIR /app
            COPY a .
            COPY a b
            COPY a sub/
            COPY a ../etc/a.conf
            COPY *.py lib/
            """);

    assertThat(kilnfile.all(Copy.class).stream().map(Copy::destination))
        .containsExactly("/", "/app/", "/app/b", "/app/sub/", "/etc/a.conf", "/app/lib/");
  }

  @Test
  void copySourcesAreNormalisedInsideTheContext() {
    Copy copy =
        Kilnfile.parse("FROM alpine\nCOPY ./src/../main.py . dir//x /app/\n")
            .all(Copy.class)
            .get(0);
    assertThat(copy.sources()).containsExactly("main.py", ".", "dir/x");
  }

  @Test
  void copyHonoursQuotesAndVariables() {
    Copy copy =
        Kilnfile.parse(
                "FROM alpine\nARG DIR=static\nCOPY --chown=${OWNER:-app} \"my file\" $DIR/ /srv/\n")
            .all(Copy.class)
            .get(0);
    assertThat(copy.sources()).containsExactly("my file", "static");
    assertThat(copy.chown()).isEqualTo("app");
  }

  @Test
  void envSupportsQuotesEscapesAndLegacyForm() {
    Kilnfile kilnfile =
        Kilnfile.parse(
            """
            FROM alpine
            ENV GREETING Hello, big world
            ENV SINGLE='no $expansion' DOUBLE="keeps \\"quotes\\"" ESCAPED=a\\ b
            """);

    assertThat(kilnfile.all(Env.class).get(0).variables())
        .containsExactly(Map.entry("GREETING", "Hello, big world"));
    assertThat(kilnfile.all(Env.class).get(1).variables())
        .containsExactly(
            Map.entry("SINGLE", "no $expansion"),
            Map.entry("DOUBLE", "keeps \"quotes\""),
            Map.entry("ESCAPED", "a b"));
  }

  @Test
  void envValuesInOneInstructionSeeTheEarlierValues() {
    Kilnfile kilnfile = Kilnfile.parse("FROM alpine\nENV A=old\nENV A=new B=$A\nENV C=$A\n");

    assertThat(kilnfile.all(Env.class).get(1).variables()).containsEntry("B", "old");
    assertThat(kilnfile.all(Env.class).get(2).variables()).containsEntry("C", "new");
  }

  @Test
  void labelSupportsLegacyForm() {
    Label label =
        Kilnfile.parse("FROM alpine\nLABEL description A small function\n").all(Label.class).get(0);
    assertThat(label.labels()).containsExactly(Map.entry("description", "A small function"));
  }

  @Test
  void argsBeforeFromOnlyReachFromUnlessDeclaredAgain() {
    Kilnfile kilnfile =
        Kilnfile.parse(
            """
            ARG TAG=3.20
            FROM alpine:$TAG
            ENV BEFORE=[$TAG]
            ARG TAG
            ENV AFTER=[$TAG]
            """);

    assertThat(kilnfile.all(Env.class).get(0).variables()).containsEntry("BEFORE", "[]");
    assertThat(kilnfile.all(Env.class).get(1).variables()).containsEntry("AFTER", "[3.20]");
  }

  @Test
  void buildArgsOverrideDefaultsAndEnvOverridesArgs() {
    Kilnfile kilnfile =
        Kilnfile.parse(
            """
            ARG TAG=3.20
            FROM alpine:${TAG}
            ARG MODE=debug
            ENV FIRST=$MODE
            ENV MODE=fixed
            ENV SECOND=$MODE
            """,
            Map.of("TAG", "3.19", "MODE", "release", "UNUSED", "x"));

    assertThat(kilnfile.from().image()).isEqualTo("alpine:3.19");
    assertThat(kilnfile.all(Env.class).get(0).variables()).containsEntry("FIRST", "release");
    assertThat(kilnfile.all(Env.class).get(2).variables()).containsEntry("SECOND", "fixed");
    assertThat(kilnfile.all(Arg.class).get(1).defaultValue()).isEqualTo("debug");
  }

  @Test
  void argDeclaresSeveralNamesOnOneLine() {
    Kilnfile kilnfile = Kilnfile.parse("FROM alpine\nARG A=1 B\n");
    assertThat(kilnfile.all(Arg.class))
        .containsExactly(new Arg("A", "1", 2), new Arg("B", null, 2));
  }

  @Test
  void substitutionModifiers() {
    Kilnfile kilnfile =
        Kilnfile.parse(
            """
            FROM alpine
            ARG SET=yes
            ARG EMPTY=
            ENV A=${UNSET:-dflt} B=${EMPTY:-dflt} C=${EMPTY-dflt} D=${SET:+alt} E=${UNSET:+alt}
            ENV F=${UNSET:-${SET}-nested} G=\\$SET H="${SET}" I='${SET}' J=$ K=$SET$SET
            """);

    assertThat(kilnfile.all(Env.class).get(0).variables())
        .containsExactly(
            Map.entry("A", "dflt"),
            Map.entry("B", "dflt"),
            Map.entry("C", ""),
            Map.entry("D", "alt"),
            Map.entry("E", ""));
    assertThat(kilnfile.all(Env.class).get(1).variables())
        .containsExactly(
            Map.entry("F", "yes-nested"),
            Map.entry("G", "$SET"),
            Map.entry("H", "yes"),
            Map.entry("I", "${SET}"),
            Map.entry("J", "$"),
            Map.entry("K", "yesyes"));
  }

  @Test
  void workdirResolvesRelativeToThePreviousOne() {
    Kilnfile kilnfile =
        Kilnfile.parse("FROM alpine\nWORKDIR app\nWORKDIR lib/../src\nWORKDIR /opt//x/.\n");

    assertThat(kilnfile.all(Workdir.class).stream().map(Workdir::path))
        .containsExactly("/app", "/app/src", "/opt/x");
  }

  @Test
  void exposeAcceptsProtocolsAndVariables() {
    Expose expose =
        Kilnfile.parse("FROM alpine\nARG PORT=8080\nEXPOSE $PORT 53/udp 9/sctp\n")
            .all(Expose.class)
            .get(0);
    assertThat(expose.ports())
        .containsExactly(new Port(8080, "tcp"), new Port(53, "udp"), new Port(9, "sctp"));
  }

  @Test
  void fromScratchHasNoImageRef() {
    assertThat(Kilnfile.parse("FROM scratch\nCOPY app /\n").from().imageRef()).isEmpty();
  }

  @Test
  void readsAFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("Kilnfile");
    Files.writeString(file, "ARG BASE\nFROM ${BASE}\n");

    assertThat(Kilnfile.read(file, Map.of("BASE", "node:22")).from().image()).isEqualTo("node:22");
  }
}
