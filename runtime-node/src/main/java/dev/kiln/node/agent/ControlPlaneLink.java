package dev.kiln.node.agent;

import dev.kiln.common.node.NodeInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A node's tie to its control plane ({@code kiln node --join URL}): registers the node agent at
 * {@code POST URL/v1/nodes}, then sends {@code PUT URL/v1/nodes/{id}/heartbeat} with the node's
 * {@link NodeInfo} every {@link Settings#interval()}.
 *
 * <p>The control plane answers a heartbeat of a node it does not know (it restarted, or declared
 * the node lost after missed heartbeats) with 404, and the link registers again. Any other failure
 * (control plane down, a refused key, a timeout) is logged and retried with a doubling backoff up
 * to {@link Settings#maxBackoff()}: a node never exits because its control plane is away. On {@link
 * #close()} the node leaves ({@code DELETE URL/v1/nodes/{id}}), so calls stop coming before the
 * agent stops listening.
 */
public final class ControlPlaneLink implements AutoCloseable {

  /**
   * How often and how patiently the link talks to the control plane.
   *
   * @param interval between heartbeats; the control plane declares a node lost after three missed
   * @param requestTimeout for one request to the control plane
   * @param maxBackoff longest wait between attempts after failures
   */
  public record Settings(Duration interval, Duration requestTimeout, Duration maxBackoff) {

    /** Heartbeats every 2 s, requests within 5 s, retries at most 30 s apart. */
    public static final Settings DEFAULT =
        new Settings(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30));

    public Settings {
      for (Duration d : new Duration[] {interval, requestTimeout, maxBackoff}) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("link timings must be positive, got " + d);
        }
      }
    }
  }

  private final URI controlPlane;
  private final Optional<String> key;
  private final String nodeId;
  private final URI agentUrl;
  private final Optional<String> agentToken;
  private final Supplier<NodeInfo> info;
  private final Settings settings;
  private final PrintStream log;
  private final HttpClient http;
  private final Object lock = new Object();
  private volatile boolean joined;
  private volatile boolean closed;
  private Thread thread;
  private String lastProblem;

  /**
   * A link that has not started yet.
   *
   * @param controlPlane the control plane's base URL ({@code --join})
   * @param key the API key sent as {@code Authorization: Bearer}, if any
   * @param nodeId the node's id
   * @param agentUrl where the control plane reaches this node's agent
   * @param agentToken the agent's shared secret, handed to the control plane on registration
   * @param info the node's current info, read for every heartbeat
   * @param log where joins, losses and failures are reported
   */
  public ControlPlaneLink(
      URI controlPlane,
      Optional<String> key,
      String nodeId,
      URI agentUrl,
      Optional<String> agentToken,
      Supplier<NodeInfo> info,
      Settings settings,
      PrintStream log) {
    this.controlPlane = stripSlash(controlPlane);
    this.key = key;
    this.nodeId = nodeId;
    this.agentUrl = agentUrl;
    this.agentToken = agentToken;
    this.info = info;
    this.settings = settings;
    this.log = log;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.requestTimeout())
            .build();
  }

  /** Starts registering and heartbeating on a daemon thread. */
  public void start() {
    synchronized (lock) {
      if (thread != null) {
        throw new IllegalStateException("control plane link already started");
      }
      thread = new Thread(this::run, "kiln-node-link");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Whether the control plane has accepted the node and its last heartbeat. */
  public boolean joined() {
    return joined;
  }

  /** Stops heartbeating and leaves the control plane (best effort, within the request timeout). */
  @Override
  public void close() {
    Thread t;
    synchronized (lock) {
      closed = true;
      t = thread;
      lock.notifyAll();
    }
    if (t == null) {
      return;
    }
    t.interrupt();
    try {
      t.join(settings.requestTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (joined) {
      try {
        send(request(nodePath()).DELETE().build());
      } catch (LinkFailure | RuntimeException e) {
        say("could not leave " + controlPlane + ": " + e.getMessage());
      }
      joined = false;
    }
  }

  private void run() {
    int failures = 0;
    try {
      while (!closed) {
        Duration wait;
        try {
          if (!joined) {
            register();
          } else if (!heartbeat()) {
            continue;
          }
          failures = 0;
          lastProblem = null;
          wait = settings.interval();
        } catch (LinkFailure | RuntimeException e) {
          failures++;
          String problem =
              e instanceof LinkFailure ? e.getMessage() : "control plane link failed: " + e;
          if (!problem.equals(lastProblem)) {
            say(problem + "; retrying");
            lastProblem = problem;
          }
          wait = backoff(failures);
        }
        pause(wait);
      }
    } catch (InterruptedException stopped) {
      // closed
    }
  }

  private void register() throws LinkFailure {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("nodeId", nodeId);
    body.put("url", agentUrl.toString());
    agentToken.ifPresent(t -> body.put("token", t));
    HttpResponse<String> r =
        send(
            request("/v1/nodes")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(AgentJson.write(body)))
                .build());
    if (r.statusCode() != 201 && r.statusCode() != 200) {
      throw refused("registering", r);
    }
    joined = true;
    say("joined " + controlPlane + " as " + nodeId + " (agent " + agentUrl + ")");
  }

  /** Sends one heartbeat; false when the control plane no longer knows the node. */
  private boolean heartbeat() throws LinkFailure {
    NodeInfo current;
    try {
      current = info.get();
    } catch (RuntimeException e) {
      // A node that cannot describe itself should not look alive: skip the beat.
      throw new LinkFailure("cannot read this node's info for the heartbeat: " + e.getMessage());
    }
    HttpResponse<String> r =
        send(
            request(nodePath() + "/heartbeat")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(AgentJson.write(current)))
                .build());
    if (r.statusCode() == 404) {
      joined = false;
      say(
          controlPlane
              + " does not know "
              + nodeId
              + " (restarted, or it missed heartbeats);"
              + " registering again");
      return false;
    }
    if (r.statusCode() / 100 != 2) {
      throw refused("heartbeating", r);
    }
    return true;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(controlPlane + path)).timeout(settings.requestTimeout());
    key.ifPresent(k -> b.header("Authorization", "Bearer " + k));
    return b;
  }

  private HttpResponse<String> send(HttpRequest request) throws LinkFailure {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new LinkFailure(
          "cannot reach control plane "
              + controlPlane
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LinkFailure("interrupted while calling " + controlPlane);
    }
  }

  private LinkFailure refused(String doing, HttpResponse<String> r) {
    String body = r.body() == null ? "" : r.body().strip();
    if (body.length() > 500) {
      body = body.substring(0, 500) + "...";
    }
    String hint =
        r.statusCode() == 401 || r.statusCode() == 403
            ? " (give the node an API key with the admin or node scope: --key)"
            : "";
    return new LinkFailure(
        "control plane "
            + controlPlane
            + " answered "
            + r.statusCode()
            + " while "
            + doing
            + " node "
            + nodeId
            + hint
            + (body.isEmpty() ? "" : ": " + body));
  }

  private String nodePath() {
    return "/v1/nodes/" + URLEncoder.encode(nodeId, StandardCharsets.UTF_8);
  }

  private Duration backoff(int failures) {
    long millis = settings.interval().toMillis() << Math.min(failures - 1, 16);
    return Duration.ofMillis(Math.min(millis, settings.maxBackoff().toMillis()));
  }

  private void pause(Duration d) throws InterruptedException {
    synchronized (lock) {
      if (!closed) {
        lock.wait(Math.max(1, d.toMillis()));
      }
    }
    if (closed) {
      throw new InterruptedException("link closed");
    }
  }

  private void say(String message) {
    log.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " kiln node: " + message);
  }

  private static URI stripSlash(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
  }

  /** A failed exchange with the control plane; the message says what and is logged as is. */
  private static final class LinkFailure extends Exception {
    private static final long serialVersionUID = 1L;

    LinkFailure(String message) {
      super(message);
    }
  }
}
