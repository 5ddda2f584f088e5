package dev.kiln.builder.kilnfile;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code --name=value} flags at the start of an instruction's arguments, as in {@code COPY
 * --chown=app:app src/ /app/}. Each flag must be consumed by the instruction or it is reported as
 * unknown.
 */
final class Flags {

  private final String keyword;
  private final Map<String, String> values;
  private final String rest;

  private Flags(String keyword, Map<String, String> values, String rest) {
    this.keyword = keyword;
    this.values = values;
    this.rest = rest;
  }

  /** Takes the leading flags off {@code args}. A flag without {@code =value} has value "". */
  static Flags take(String keyword, String args) {
    Map<String, String> values = new LinkedHashMap<>();
    int pos = 0;
    while (args.startsWith("--", pos)) {
      int end = pos;
      while (end < args.length() && !Character.isWhitespace(args.charAt(end))) {
        end++;
      }
      String flag = args.substring(pos + 2, end);
      int eq = flag.indexOf('=');
      values.putIfAbsent(
          eq < 0 ? flag : flag.substring(0, eq), eq < 0 ? "" : flag.substring(eq + 1));
      pos = end;
      while (pos < args.length() && Character.isWhitespace(args.charAt(pos))) {
        pos++;
      }
    }
    return new Flags(keyword, values, args.substring(pos));
  }

  /** The arguments after the flags. */
  String rest() {
    return rest;
  }

  /** Consumes a flag, returning its value or {@code null} if absent. */
  String value(String name) {
    String value = values.remove(name);
    if (value != null && value.isEmpty()) {
      throw new IllegalArgumentException(
          keyword + " --" + name + " needs a value: --" + name + "=...");
    }
    return value;
  }

  /** Fails with {@code message} if the flag is present. */
  void reject(String name, String message) {
    if (values.containsKey(name)) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Fails if any flag was not consumed. */
  void rejectAll() {
    if (!values.isEmpty()) {
      throw new IllegalArgumentException(
          keyword + ": unknown flag --" + ShellWords.shown(values.keySet().iterator().next()));
    }
  }
}
