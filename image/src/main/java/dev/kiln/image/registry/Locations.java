package dev.kiln.image.registry;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Upload URLs. A registry answers an upload request with a {@code Location} that may be relative
 * ({@code /v2/fn/hello/blobs/uploads/<id>?_state=...}) or absolute (another host, e.g. a storage
 * front end), and may already carry a query that must be kept.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs">OCI
 *     distribution spec: pushing blobs</a>
 */
final class Locations {

  private Locations() {}

  /** The URL a {@code Location} header points to, relative to the request that returned it. */
  static URI resolve(URI requestUri, String location) {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("the registry sent no Location header");
    }
    return requestUri.resolve(URI.create(location.trim()));
  }

  /** {@code uri} with one more query parameter, after any it already has. */
  static URI withQueryParam(URI uri, String name, String value) {
    String s = uri.toString();
    String fragment = "";
    int hash = s.indexOf('#');
    if (hash >= 0) {
      fragment = s.substring(hash);
      s = s.substring(0, hash);
    }
    String separator = uri.getRawQuery() == null ? "?" : s.endsWith("&") ? "" : "&";
    return URI.create(
        s
            + separator
            + URLEncoder.encode(name, StandardCharsets.UTF_8)
            + "="
            + URLEncoder.encode(value, StandardCharsets.UTF_8)
            + fragment);
  }
}
