package dev.kiln.gateway.boot;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where the database is, from {@code KILN_DB_URL}: a JDBC URL ({@code
 * jdbc:postgresql://host:5432/kiln}) or the libpq form ({@code postgresql://user:pw@host/kiln}),
 * whose user and password are taken out of the URL.
 *
 * @param jdbcUrl the JDBC URL, without credentials
 * @param user the user named in the URL, if any
 * @param password the password named in the URL, if any
 */
public record DatabaseUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {

  private static final String JDBC_PREFIX = "jdbc:postgresql:";

  public DatabaseUrl {
    if (jdbcUrl == null || !jdbcUrl.startsWith(JDBC_PREFIX)) {
      throw new IllegalArgumentException(
          "database URL '" + jdbcUrl + "' must start with " + JDBC_PREFIX);
    }
  }

  /** Parses either form; anything else is an error that shows both. */
  public static DatabaseUrl parse(String value) {
    String v = value == null ? "" : value.strip();
    if (v.startsWith(JDBC_PREFIX)) {
      return new DatabaseUrl(v, Optional.empty(), Optional.empty());
    }
    if (v.startsWith("postgresql://") || v.startsWith("postgres://")) {
      try {
        URI uri = new URI(v);
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String info = uri.getRawUserInfo();
        if (info != null) {
          int colon = info.indexOf(':');
          user = Optional.of(decode(colon < 0 ? info : info.substring(0, colon)));
          password = colon < 0 ? Optional.empty() : Optional.of(decode(info.substring(colon + 1)));
        }
        String hostPort = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new DatabaseUrl(JDBC_PREFIX + "//" + hostPort + path + query, user, password);
      } catch (URISyntaxException | NullPointerException e) {
        throw new IllegalArgumentException("KILN_DB_URL '" + v + "' is not a valid URL", e);
      }
    }
    throw new IllegalArgumentException(
        "KILN_DB_URL '"
            + v
            + "' is neither jdbc:postgresql://HOST:PORT/DB nor postgresql://USER:PASSWORD@HOST/DB");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
