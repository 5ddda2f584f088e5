package dev.kiln.image.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge from a {@code WWW-Authenticate} header: a scheme ({@code Basic}, {@code Bearer})
 * and its parameters, e.g. {@code Bearer realm="https://auth.example/token",service="reg",
 * scope="repository:fn/hello:pull,push"}. Quoted values may contain commas.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1">RFC 9110 11.6.1</a>
 * @see <a href="https://distribution.github.io/distribution/spec/auth/token/">Docker token
 *     authentication</a>
 */
record AuthChallenge(String scheme, Map<String, String> params) {

  AuthChallenge {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  boolean isBearer() {
    return "bearer".equalsIgnoreCase(scheme);
  }

  boolean isBasic() {
    return "basic".equalsIgnoreCase(scheme);
  }

  /** A parameter by its (case-insensitive) name. */
  Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
  }

  /**
   * The challenge Kiln answers among those of all {@code WWW-Authenticate} headers: Bearer over
   * Basic, since a token can be scoped.
   */
  static Optional<AuthChallenge> choose(List<String> headerValues) {
    List<AuthChallenge> all = new ArrayList<>();
    for (String value : headerValues) {
      all.addAll(parse(value));
    }
    return all.stream()
        .filter(AuthChallenge::isBearer)
        .findFirst()
        .or(() -> all.stream().filter(AuthChallenge::isBasic).findFirst());
  }

  /** Every challenge in one header value. */
  static List<AuthChallenge> parse(String header) {
    List<AuthChallenge> out = new ArrayList<>();
    String scheme = null;
    Map<String, String> params = new LinkedHashMap<>();
    int n = header.length();
    int i = 0;
    while (i < n) {
      char c = header.charAt(i);
      if (c == ' ' || c == '\t' || c == ',') {
        i++;
        continue;
      }
      int start = i;
      while (i < n && " \t,=".indexOf(header.charAt(i)) < 0) {
        i++;
      }
      String token = header.substring(start, i);
      int j = skipSpaces(header, i);
      if (scheme != null && j < n && header.charAt(j) == '=') {
        i = skipSpaces(header, j + 1);
        StringBuilder value = new StringBuilder();
        if (i < n && header.charAt(i) == '"') {
          i++;
          while (i < n && header.charAt(i) != '"') {
            if (header.charAt(i) == '\\' && i + 1 < n) {
              i++;
            }
            value.append(header.charAt(i++));
          }
          i++;
        } else {
          while (i < n && header.charAt(i) != ',') {
            value.append(header.charAt(i++));
          }
        }
        params.put(token.toLowerCase(Locale.ROOT), value.toString().trim());
      } else {
        if (scheme != null) {
          out.add(new AuthChallenge(scheme, params));
        }
        scheme = token;
        params = new LinkedHashMap<>();
        i = j;
      }
    }
    if (scheme != null) {
      out.add(new AuthChallenge(scheme, params));
    }
    return out;
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }
}
