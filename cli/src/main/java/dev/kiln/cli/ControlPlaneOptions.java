package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the control plane is and which key to use: {@code --url}/{@code --key}, else {@code
 * KILN_URL}/{@code KILN_API_KEY}, else {@code $KILN_HOME/cli.json} (default {@code
 * ~/.kiln/cli.json}), which {@code kiln up} writes on its first start.
 */
final class ControlPlaneOptions {

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "The control plane's URL. Default: $KILN_URL, else cli.json's.")
  String url;

  @Option(
      names = "--key",
      paramLabel = "KEY",
      description = "The API key. Default: $KILN_API_KEY, else cli.json's.")
  String key;

  /** The resolved URL and key. */
  record Target(String url, String key) {}

  /** Resolves with the process's environment and home directory. */
  Target resolve() throws IOException {
    return resolve(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** Resolves with {@code env} and {@code home} (for tests). */
  Target resolve(Map<String, String> env, Path home) throws IOException {
    String u = firstOf(url, env.get("KILN_URL"));
    String k = firstOf(key, env.get("KILN_API_KEY"));
    Path file =
        env.containsKey("KILN_HOME")
            ? Path.of(env.get("KILN_HOME"), "cli.json")
            : home.resolve(".kiln").resolve("cli.json");
    if ((u == null || k == null) && Files.isRegularFile(file)) {
      JsonNode json = new ObjectMapper().readTree(file.toFile());
      u = firstOf(u, json.path("url").asText(null));
      k = firstOf(k, json.path("key").asText(null));
    }
    if (u == null) {
      throw new IllegalArgumentException(
          "no control plane: start one with ./kiln up, or pass --url (or set KILN_URL); "
              + file
              + " does not name one");
    }
    if (k == null) {
      throw new IllegalArgumentException(
          "no API key: pass --key (or set KILN_API_KEY); " + file + " has none");
    }
    return new Target(u.endsWith("/") ? u.substring(0, u.length() - 1) : u, k);
  }

  private static String firstOf(String a, String b) {
    return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
  }
}
