package dev.kiln.builder.kilnfile;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The Dockerfile word rules: splitting arguments on unquoted whitespace, and "processing" a word by
 * removing quotes and escapes and substituting {@code $VAR}, {@code ${VAR}} and {@code
 * ${VAR:-default}}-style references (Dockerfile reference, "Environment replacement").
 *
 * <p>Supported modifiers are {@code :-} / {@code -} (default), {@code :+} / {@code +} (alternative)
 * and {@code :?} / {@code ?} (required); with the colon an empty value counts as unset. Unset
 * variables expand to the empty string, as in Docker.
 */
final class ShellWords {

  /** Deeper {@code ${A:-${B:-...}}} nesting than this is refused rather than recursed into. */
  static final int MAX_NESTING = 16;

  private static final int MAX_SHOWN = 80;

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+,=*?^~-]+");

  private final String text;
  private final UnaryOperator<String> lookup;
  private int pos;

  private ShellWords(String text, UnaryOperator<String> lookup) {
    this.text = text;
    this.lookup = lookup;
  }

  /**
   * Splits on whitespace outside quotes. Quotes and backslashes stay in the words, to be removed by
   * {@link #expand}.
   */
  static List<String> split(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote == 0 && Character.isWhitespace(c)) {
        if (!word.isEmpty()) {
          words.add(word.toString());
          word.setLength(0);
        }
        continue;
      }
      word.append(c);
      if (c == '\\' && quote != '\'' && i + 1 < text.length()) {
        word.append(text.charAt(++i));
      } else if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (c == quote) {
        quote = 0;
      }
    }
    if (quote != 0) {
      throw unterminated(quote, text);
    }
    if (!word.isEmpty()) {
      words.add(word.toString());
    }
    return words;
  }

  /**
   * Removes quotes and escapes and substitutes variables.
   *
   * @param lookup returns a variable's value, or {@code null} when it is not set
   * @throws IllegalArgumentException on unterminated quotes, malformed references or a {@code
   *     ${VAR:?message}} whose variable is unset
   */
  static String expand(String word, UnaryOperator<String> lookup) {
    ShellWords words = new ShellWords(word, lookup);
    return words.word(false, 0);
  }

  /** Quotes a value so that {@link #expand} gives it back unchanged; plain words stay bare. */
  static String quote(String value) {
    if (PLAIN.matcher(value).matches()) {
      return value;
    }
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\' || c == '$') {
        quoted.append('\\');
      }
      quoted.append(c);
    }
    return quoted.append('"').toString();
  }

  private String word(boolean insideBraces, int depth) {
    StringBuilder out = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (insideBraces && c == '}') {
        return out.toString();
      }
      switch (c) {
        case '\'' -> singleQuoted(out);
        case '"' -> doubleQuoted(out, depth);
        case '\\' -> {
          // A trailing backslash has nothing to escape and is kept, as Docker does.
          out.append(pos + 1 < text.length() ? text.charAt(pos + 1) : '\\');
          pos += 2;
        }
        case '$' -> out.append(dollar(depth));
        default -> {
          out.append(c);
          pos++;
        }
      }
    }
    return out.toString();
  }

  private void singleQuoted(StringBuilder out) {
    int end = text.indexOf('\'', pos + 1);
    if (end < 0) {
      throw unterminated('\'', text);
    }
    out.append(text, pos + 1, end);
    pos = end + 1;
  }

  private void doubleQuoted(StringBuilder out, int depth) {
    pos++;
    while (true) {
      if (pos >= text.length()) {
        throw unterminated('"', text);
      }
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        return;
      }
      if (c == '\\' && pos + 1 < text.length() && "\"\\$".indexOf(text.charAt(pos + 1)) >= 0) {
        out.append(text.charAt(pos + 1));
        pos += 2;
      } else if (c == '$') {
        out.append(dollar(depth));
      } else {
        out.append(c);
        pos++;
      }
    }
  }

  private String dollar(int depth) {
    pos++;
    if (pos >= text.length()) {
      return "$";
    }
    if (text.charAt(pos) != '{') {
      String name = name();
      return name.isEmpty() ? "$" : orEmpty(lookup.apply(name));
    }
    int start = pos - 1;
    pos++;
    String name = name();
    if (name.isEmpty()) {
      throw new IllegalArgumentException(
          "bad substitution in '" + shown(text) + "': '${' must be followed by a variable name");
    }
    if (pos >= text.length()) {
      throw missingBrace(start);
    }
    char c = text.charAt(pos);
    if (c == '}') {
      pos++;
      return orEmpty(lookup.apply(name));
    }
    boolean colon = c == ':';
    if (colon) {
      pos++;
    }
    char modifier = pos < text.length() ? text.charAt(pos) : 0;
    if ("-+?".indexOf(modifier) < 0 || modifier == 0) {
      throw new IllegalArgumentException(
          "unsupported substitution '"
              + shown(text.substring(start, Math.min(text.length(), pos + 1)))
              + "': use ${"
              + name
              + "}, ${"
              + name
              + ":-default}, ${"
              + name
              + ":+alternative} or ${"
              + name
              + ":?message}");
    }
    pos++;
    if (depth >= MAX_NESTING) {
      throw new IllegalArgumentException(
          "variable references nested more than " + MAX_NESTING + " deep in '" + shown(text) + "'");
    }
    String word = word(true, depth + 1);
    if (pos >= text.length()) {
      throw missingBrace(start);
    }
    pos++;
    String value = lookup.apply(name);
    boolean set = value != null && (!colon || !value.isEmpty());
    return switch (modifier) {
      case '-' -> set ? value : word;
      case '+' -> set ? word : "";
      default -> {
        if (!set) {
          throw new IllegalArgumentException(
              name + ": " + (word.isEmpty() ? "required variable is not set" : word));
        }
        yield value;
      }
    };
  }

  private String name() {
    int start = pos;
    while (pos < text.length() && isNameChar(text.charAt(pos))) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  private IllegalArgumentException missingBrace(int start) {
    return new IllegalArgumentException(
        "unterminated variable reference '" + shown(text.substring(start)) + "': missing '}'");
  }

  private static IllegalArgumentException unterminated(char quote, String text) {
    return new IllegalArgumentException(
        "unterminated " + (quote == '"' ? "double" : "single") + " quote in '" + shown(text) + "'");
  }

  /** Long arguments are cut short in messages; the line number finds the rest. */
  static String shown(String text) {
    return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
  }
}
