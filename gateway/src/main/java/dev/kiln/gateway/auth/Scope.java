package dev.kiln.gateway.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What an API key may do. */
public enum Scope {
  /** Everything, including managing keys. */
  ADMIN,
  /** Deploy, change and delete functions; read everything but keys. */
  DEPLOY,
  /** Invoke key-protected functions; read functions and images. */
  INVOKE,
  /** Join as a runtime node ({@code /v1/nodes}) and pull images from {@code /v2/}; read. */
  NODE;

  /** Lowercase name, as in the API. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code admin}, {@code deploy}, {@code invoke} or {@code node}. */
  public static Scope parse(String value) {
    for (Scope s : values()) {
      if (s.id().equalsIgnoreCase(value == null ? "" : value.strip())) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown scope '" + value + "' (known: admin, deploy, invoke, node)");
  }

  /** Parses the stored, comma-separated form. */
  public static Set<Scope> parseList(String csv) {
    EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String part : csv.split(",")) {
      if (!part.isBlank()) {
        scopes.add(parse(part));
      }
    }
    return scopes;
  }

  /** The stored form of {@code scopes}: sorted, comma-separated. */
  public static String toList(Set<Scope> scopes) {
    return scopes.stream().sorted().map(Scope::id).collect(Collectors.joining(","));
  }
}
