package dev.kiln.builder.kilnfile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Checks and renders the name=value maps of ENV and LABEL. */
final class Pairs {
  private Pairs() {}

  static Map<String, String> check(String keyword, Map<String, String> pairs) {
    if (pairs == null || pairs.isEmpty()) {
      throw new IllegalArgumentException(keyword + " needs at least one name=value pair");
    }
    Map<String, String> copy = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : pairs.entrySet()) {
      String key = e.getKey();
      if (key == null || key.isEmpty() || key.indexOf('=') >= 0 || hasSpace(key)) {
        throw new IllegalArgumentException(
            keyword
                + " name '"
                + key
                + "' is not valid: it must be non-empty, without '=' or"
                + " spaces");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException(keyword + " " + key + " has no value");
      }
      copy.put(key, e.getValue());
    }
    return Collections.unmodifiableMap(copy);
  }

  static String render(Map<String, String> pairs) {
    return pairs.entrySet().stream()
        .map(e -> e.getKey() + "=" + ShellWords.quote(e.getValue()))
        .collect(Collectors.joining(" "));
  }

  private static boolean hasSpace(String s) {
    return s.chars().anyMatch(Character::isWhitespace);
  }
}
