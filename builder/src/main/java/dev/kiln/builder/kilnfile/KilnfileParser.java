package dev.kiln.builder.kilnfile;

import dev.kiln.builder.kilnfile.LogicalLines.Line;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Kilnfile in one pass: each logical line goes through a few named structure checks, then
 * the {@link Translator} turns it into a record with variables substituted. Every failure becomes a
 * {@link KilnfileException} carrying the line of the instruction.
 */
final class KilnfileParser {

  private static final Set<String> SUPPORTED =
      Set.of(
          "FROM", "COPY", "ENV", "ARG", "WORKDIR", "USER", "LABEL", "EXPOSE", "CMD", "ENTRYPOINT");

  /** Dockerfile instructions Kiln knows of but cannot build (yet). */
  private static final Set<String> NOT_YET =
      Set.of("VOLUME", "HEALTHCHECK", "STOPSIGNAL", "SHELL", "ONBUILD");

  private static final int MAX_KEYWORD_SHOWN = 40;

  private KilnfileParser() {}

  static Kilnfile parse(String text, Map<String, String> buildArgs) {
    if (text == null) {
      throw new KilnfileException(1, "the Kilnfile is empty; it starts with FROM <image>");
    }
    List<Line> lines = LogicalLines.split(text);
    Translator translator = new Translator(new Scope(buildArgs == null ? Map.of() : buildArgs));
    List<Instruction> instructions = new ArrayList<>();
    Instruction.From from = null;
    for (Line line : lines) {
      String keyword = line.keyword().toUpperCase(Locale.ROOT);
      checkSupported(keyword, line);
      checkFromComesFirst(keyword, line, from);
      checkSingleStage(keyword, line, from);
      for (Instruction instruction : translate(translator, keyword, line)) {
        if (instruction instanceof Instruction.From f) {
          from = f;
        }
        instructions.add(instruction);
      }
    }
    checkHasFrom(from, lines);
    return new Kilnfile(instructions);
  }

  private static List<Instruction> translate(Translator translator, String keyword, Line line) {
    try {
      return translator.translate(keyword, line);
    } catch (KilnfileException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new KilnfileException(line.number(), e.getMessage(), e);
    }
  }

  private static void checkSupported(String keyword, Line line) {
    if (SUPPORTED.contains(keyword)) {
      return;
    }
    String problem =
        switch (keyword) {
          case "RUN" ->
              "RUN is not supported yet: Kiln builds images without running build containers;"
                  + " copy prebuilt files instead";
          case "ADD" ->
              "ADD is not supported: use COPY (Kiln does not download URLs or unpack archives"
                  + " while building)";
          case "MAINTAINER" -> "MAINTAINER is not supported: use LABEL maintainer=\"...\"";
          default ->
              NOT_YET.contains(keyword)
                  ? keyword + " is not supported yet"
                  : "unknown instruction '" + shownKeyword(line.keyword()) + "'";
        };
    throw new KilnfileException(line.number(), problem);
  }

  private static void checkFromComesFirst(String keyword, Line line, Instruction.From from) {
    if (from == null && !keyword.equals("FROM") && !keyword.equals("ARG")) {
      throw new KilnfileException(
          line.number(),
          keyword
              + " comes before FROM; a Kilnfile starts with FROM <image> (only ARG may come"
              + " before it)");
    }
  }

  private static void checkSingleStage(String keyword, Line line, Instruction.From from) {
    if (from != null && keyword.equals("FROM")) {
      throw new KilnfileException(
          line.number(),
          "multi-stage builds are not supported yet (the first FROM is on line "
              + from.line()
              + ")");
    }
  }

  private static void checkHasFrom(Instruction.From from, List<Line> lines) {
    if (from == null) {
      int last = lines.isEmpty() ? 1 : lines.get(lines.size() - 1).number();
      throw new KilnfileException(last, "no FROM instruction; a Kilnfile starts with FROM <image>");
    }
  }

  private static String shownKeyword(String keyword) {
    return keyword.length() <= MAX_KEYWORD_SHOWN
        ? keyword
        : keyword.substring(0, MAX_KEYWORD_SHOWN) + "...";
  }
}
