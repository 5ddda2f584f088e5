package dev.kiln.node.agent;

import dev.kiln.common.Runtime;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a standalone node runs: the options of {@code kiln node}.
 *
 * @param dataDir where the node keeps its state (layer cache, containers, node id)
 * @param host the address to listen on
 * @param port the port to listen on (0 for any free one)
 * @param registry the registry images are pulled from, if any
 * @param token the shared secret callers must send, if any
 * @param stemCells stem cells to keep ready, per runtime; absent runtimes get none
 * @param join the control plane to register with and heartbeat to, if any ({@code --join})
 * @param key the API key sent to the control plane: for joining and, as the Basic password, for
 *     pulling from its registry ({@code --key}, else {@value #KEY_ENV})
 * @param advertise the agent URL the control plane should call, if not the listen address
 * @param memoryMiB memory offered to containers, if not the machine's ({@code --memory})
 */
public record NodeOptions(
    Path dataDir,
    String host,
    int port,
    Optional<URI> registry,
    Optional<String> token,
    Map<Runtime, Integer> stemCells,
    Optional<URI> join,
    Optional<String> key,
    Optional<URI> advertise,
    Optional<Long> memoryMiB) {

  /** Where {@code kiln node} listens by default: loopback only. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:7070";

  /** Environment variable read for the token when {@code --token} is not given. */
  public static final String TOKEN_ENV = "KILN_NODE_TOKEN";

  /** Environment variable read for the API key when {@code --key} is not given. */
  public static final String KEY_ENV = "KILN_API_KEY";

  /** Most stem cells of one runtime. */
  public static final int MAX_STEM_CELLS = 64;

  static final String USAGE =
      """
      Usage: kiln node [options]
        --data-dir DIR       node state: layer cache, containers (default ~/.kiln/node)
        --listen HOST:PORT   address of the node agent API (default 127.0.0.1:7070)
        --registry URL       registry to pull images from, e.g. http://127.0.0.1:5000
        --token TOKEN        shared secret callers must send as 'Authorization: Bearer TOKEN'
                             (default: $KILN_NODE_TOKEN; none means no check)
        --stem-cells LIST    stem cells to keep ready, e.g. python=2,node=2,java=1 (default none)
        --join URL           control plane to register with and heartbeat to, e.g.
                             http://10.0.0.5:8080; images then come from its registry
                             unless --registry is given
        --key KEY            API key for the control plane (admin or node scope)
                             (default: $KILN_API_KEY)
        --advertise URL      URL the control plane reaches this node at
                             (default: http://<listen address>, or the address
                             that routes to the control plane when listening on 0.0.0.0)
        --memory MIB         memory offered to function containers, in MiB
                             (default: the machine's)
        --help               show this help
      """;

  public NodeOptions {
    if (dataDir == null || host == null || host.isBlank()) {
      throw new IllegalArgumentException("a node needs a data directory and a host to listen on");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
    registry = registry == null ? Optional.empty() : registry;
    token = token == null ? Optional.empty() : token.filter(t -> !t.isBlank());
    join = join == null ? Optional.empty() : join;
    key = key == null ? Optional.empty() : key.filter(k -> !k.isBlank());
    advertise = advertise == null ? Optional.empty() : advertise;
    memoryMiB = memoryMiB == null ? Optional.empty() : memoryMiB;
    if (memoryMiB.isPresent() && memoryMiB.get() < 16) {
      throw new IllegalArgumentException(
          "--memory must be at least 16 MiB, got " + memoryMiB.get());
    }
    if (advertise.isPresent() && join.isEmpty()) {
      throw new IllegalArgumentException(
          "--advertise needs --join: it is the URL a control plane" + " calls this node at");
    }
    EnumMap<Runtime, Integer> cells = new EnumMap<>(Runtime.class);
    if (stemCells != null) {
      stemCells.forEach(
          (runtime, count) -> {
            if (count == null || count < 0 || count > MAX_STEM_CELLS) {
              throw new IllegalArgumentException(
                  "stem cells of "
                      + runtime.id()
                      + " must be between 0 and "
                      + MAX_STEM_CELLS
                      + ", got "
                      + count);
            }
            cells.put(runtime, count);
          });
    }
    stemCells = Collections.unmodifiableMap(cells);
  }

  /**
   * Reads command-line options ({@code --name value} or {@code --name=value}).
   *
   * @param env the environment, for {@value #TOKEN_ENV} and {@value #KEY_ENV}
   * @param home the user's home directory, for the default data directory
   * @throws IllegalArgumentException naming the option that is unknown, missing its value or bad
   */
  public static NodeOptions parse(String[] args, Map<String, String> env, Path home) {
    Path dataDir = home.resolve(".kiln").resolve("node");
    String listen = DEFAULT_LISTEN;
    Optional<URI> registry = Optional.empty();
    Optional<String> token = Optional.ofNullable(env.get(TOKEN_ENV));
    Map<Runtime, Integer> stemCells = Map.of();
    Optional<URI> join = Optional.empty();
    Optional<String> key = Optional.ofNullable(env.get(KEY_ENV));
    Optional<URI> advertise = Optional.empty();
    Optional<Long> memoryMiB = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (!name.equals("--data-dir")
          && !name.equals("--listen")
          && !name.equals("--registry")
          && !name.equals("--token")
          && !name.equals("--stem-cells")
          && !name.equals("--join")
          && !name.equals("--key")
          && !name.equals("--advertise")
          && !name.equals("--memory")) {
        throw new IllegalArgumentException("unknown option '" + arg + "'");
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "--data-dir" -> dataDir = Path.of(value);
        case "--listen" -> listen = value;
        case "--registry" -> registry = Optional.of(httpUrl("--registry", value, "5000"));
        case "--token" -> token = Optional.of(value);
        case "--join" -> join = Optional.of(httpUrl("--join", value, "8080"));
        case "--key" -> key = Optional.of(value);
        case "--advertise" -> advertise = Optional.of(httpUrl("--advertise", value, "7070"));
        case "--memory" -> memoryMiB = Optional.of(memory(value));
        default -> stemCells = stemCells(value);
      }
    }
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--listen must be HOST:PORT, got '" + listen + "'");
    }
    String host = listen.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--listen must be HOST:PORT, got '" + listen + "'");
    }
    return new NodeOptions(
        dataDir.toAbsolutePath().normalize(),
        host,
        port,
        registry,
        token,
        stemCells,
        join,
        key,
        advertise,
        memoryMiB);
  }

  /** {@code host:port}, with brackets around an IPv6 address. */
  public String listenAddress() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * The registry images are pulled from: {@code --registry}, else the control plane joined, whose
   * built-in registry serves {@code /v2/}.
   */
  public Optional<URI> pullRegistry() {
    return registry.isPresent() ? registry : join;
  }

  /** These options listening on another port (the one bound when 0 was asked for). */
  public NodeOptions withPort(int value) {
    return new NodeOptions(
        dataDir, host, value, registry, token, stemCells, join, key, advertise, memoryMiB);
  }

  private static URI httpUrl(String option, String value, String examplePort) {
    try {
      URI uri = new URI(value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below, with the expected form
    }
    throw new IllegalArgumentException(
        option
            + " must be a URL such as http://127.0.0.1:"
            + examplePort
            + ", got '"
            + value
            + "'");
  }

  private static long memory(String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--memory must be a whole number of MiB such as 4096, got '" + value + "'");
    }
  }

  private static Map<Runtime, Integer> stemCells(String value) {
    EnumMap<Runtime, Integer> cells = new EnumMap<>(Runtime.class);
    if (value.isBlank()) {
      return cells;
    }
    for (String pair : value.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "--stem-cells must be RUNTIME=COUNT pairs such as python=2,node=2,java=1, got '"
                + pair.trim()
                + "'");
      }
      Runtime runtime = Runtime.parse(pair.substring(0, eq).trim());
      try {
        cells.put(runtime, Integer.parseInt(pair.substring(eq + 1).trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--stem-cells: '" + pair.trim() + "' needs a whole number of stem cells");
      }
    }
    return cells;
  }
}
