package dev.kiln.common.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Query strings as HTML forms and most clients encode them ({@code a=1&b=x%20y}). */
public final class QueryStrings {

  private QueryStrings() {}

  /**
   * The first value of parameter {@code name} in {@code rawQuery} (still percent-encoded, without
   * {@code ?}, may be null), decoded; {@code ""} for a parameter without {@code =}. A malformed
   * escape is taken as it stands.
   */
  public static Optional<String> first(String rawQuery, String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return Optional.empty();
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (decode(key).equals(name)) {
        return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return Optional.empty();
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return s;
    }
  }
}
