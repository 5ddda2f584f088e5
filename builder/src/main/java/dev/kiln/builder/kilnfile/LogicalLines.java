package dev.kiln.builder.kilnfile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits Kilnfile text into instructions the way Docker's parser does: parser directives at the
 * top, {@code #} comments and blank lines skipped, lines ending in {@code \} joined with the next
 * (comments and blank lines inside a continuation are skipped too).
 */
final class LogicalLines {

  /** One instruction's text, joined from its physical lines. */
  record Line(int number, String keyword, String args) {}

  private static final Pattern DIRECTIVE =
      Pattern.compile("\\s*#\\s*([A-Za-z][A-Za-z0-9_-]*)\\s*=(.*)");
  private static final Pattern CONTINUATION = Pattern.compile("\\\\[ \\t]*$");
  private static final Pattern COMMENT = Pattern.compile("\\s*#.*", Pattern.DOTALL);

  private LogicalLines() {}

  static List<Line> split(String text) {
    checkSize(text);
    String[] physical = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    if (physical.length > 0 && physical[0].startsWith("\uFEFF")) {
      physical[0] = physical[0].substring(1);
    }
    List<Line> lines = new ArrayList<>();
    int i = skipDirectives(physical);
    while (i < physical.length) {
      String first = physical[i];
      int number = ++i;
      if (first.isBlank() || COMMENT.matcher(first).matches()) {
        continue;
      }
      StringBuilder joined = new StringBuilder();
      String part = first;
      while (true) {
        Matcher m = CONTINUATION.matcher(part);
        if (!m.find()) {
          joined.append(part);
          break;
        }
        joined.append(part, 0, m.start());
        // Find the next line that carries text; comments and blank lines do not end the
        // continuation (Docker allows, but warns about, empty continuation lines).
        while (i < physical.length
            && (physical[i].isBlank() || COMMENT.matcher(physical[i]).matches())) {
          i++;
        }
        if (i >= physical.length) {
          break;
        }
        part = physical[i++];
      }
      lines.add(toLine(number, joined.toString().strip()));
    }
    return lines;
  }

  private static Line toLine(int number, String text) {
    int space = 0;
    while (space < text.length() && !Character.isWhitespace(text.charAt(space))) {
      space++;
    }
    return new Line(number, text.substring(0, space), text.substring(space).strip());
  }

  /**
   * Skips parser directives ({@code # syntax=...}, {@code # escape=...}), which may only appear
   * before anything else. Kiln has nothing to do with them except {@code escape}: a different
   * escape character would change how every line is read, so it is refused rather than ignored.
   */
  private static int skipDirectives(String[] physical) {
    int i = 0;
    while (i < physical.length) {
      Matcher m = DIRECTIVE.matcher(physical[i]);
      if (!m.matches()) {
        break;
      }
      String value = m.group(2).strip();
      if (m.group(1).toLowerCase(Locale.ROOT).equals("escape") && !value.equals("\\")) {
        throw new KilnfileException(
            i + 1,
            "the escape directive '"
                + ShellWords.shown(value)
                + "' is not supported; Kilnfiles use '\\' as the escape character");
      }
      i++;
    }
    return i;
  }

  private static void checkSize(String text) {
    if (text.length() <= Kilnfile.MAX_BYTES / 3
        || text.getBytes(StandardCharsets.UTF_8).length <= Kilnfile.MAX_BYTES) {
      return;
    }
    int bytes = 0;
    int line = 1;
    for (int i = 0; i < text.length() && bytes <= Kilnfile.MAX_BYTES; i++) {
      char c = text.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
      if (c == '\n') {
        line++;
      }
    }
    throw new KilnfileException(
        line,
        "the Kilnfile is larger than "
            + Kilnfile.MAX_BYTES / (1024 * 1024)
            + " MiB, the most Kiln reads; is it the right file?");
  }
}
