package dev.kiln.image.registry;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a {@code /v2/} request goes. Repository names have any number of components ({@code
 * fn/hello}), so paths are read from the right: {@code /v2/<name>/manifests/<reference>}, {@code
 * /v2/<name>/blobs/<digest>}, {@code /v2/<name>/blobs/uploads/[<id>]}, {@code
 * /v2/<name>/tags/list}. Names are checked against the spec's grammar, which also rules out {@code
 * ..} and empty components.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests">OCI
 *     distribution spec: repository names</a>
 */
record RegistryRoute(Kind kind, String name, String reference) {

  /** What the path addresses. */
  enum Kind {
    BASE,
    TAGS,
    MANIFEST,
    BLOB,
    UPLOADS,
    UPLOAD
  }

  static final int MAX_NAME_LENGTH = 255;

  private static final Pattern NAME =
      Pattern.compile(
          "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

  static RegistryRoute parse(String path) throws RegistryError {
    if (path.equals("/v2") || path.equals("/v2/")) {
      return new RegistryRoute(Kind.BASE, null, null);
    }
    if (!path.startsWith("/v2/")) {
      throw notFound(path);
    }
    List<String> s = Arrays.asList(path.substring("/v2/".length()).split("/", -1));
    boolean trailingSlash = s.get(s.size() - 1).isEmpty();
    if (trailingSlash) {
      s = s.subList(0, s.size() - 1);
    }
    int n = s.size();
    if (n >= 3 && s.get(n - 2).equals("blobs") && s.get(n - 1).equals("uploads")) {
      return new RegistryRoute(Kind.UPLOADS, name(s, n - 2), null);
    }
    if (trailingSlash) {
      throw notFound(path);
    }
    if (n >= 3 && s.get(n - 2).equals("tags") && s.get(n - 1).equals("list")) {
      return new RegistryRoute(Kind.TAGS, name(s, n - 2), null);
    }
    if (n >= 4 && s.get(n - 3).equals("blobs") && s.get(n - 2).equals("uploads")) {
      return new RegistryRoute(Kind.UPLOAD, name(s, n - 3), s.get(n - 1));
    }
    if (n >= 3 && s.get(n - 2).equals("manifests")) {
      return new RegistryRoute(Kind.MANIFEST, name(s, n - 2), s.get(n - 1));
    }
    if (n >= 3 && s.get(n - 2).equals("blobs")) {
      return new RegistryRoute(Kind.BLOB, name(s, n - 2), s.get(n - 1));
    }
    throw notFound(path);
  }

  private static String name(List<String> segments, int end) throws RegistryError {
    String name = String.join("/", segments.subList(0, end));
    if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
      throw new RegistryError(
          RegistryError.Code.NAME_INVALID,
          "invalid repository name '"
              + name
              + "': use lowercase letters, digits and separators (. _ -), with / between parts");
    }
    return name;
  }

  private static RegistryError notFound(String path) {
    return new RegistryError(
        RegistryError.Code.NOT_FOUND, "no registry API at " + path + " (see /v2/)");
  }
}
