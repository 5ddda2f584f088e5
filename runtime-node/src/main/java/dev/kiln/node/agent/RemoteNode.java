package dev.kiln.node.agent;

import dev.kiln.common.ImageRef;
import dev.kiln.common.node.ContainerInfo;
import dev.kiln.common.node.ContainerStats;
import dev.kiln.common.node.ImageStatus;
import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.common.node.NodeApi;
import dev.kiln.common.node.NodeException;
import dev.kiln.common.node.NodeInfo;
import dev.kiln.common.node.StartRequest;
import dev.kiln.common.node.StemCellPool;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * A runtime node reached through its node agent ({@code docs/node-agent.md}): the scheduler uses it
 * exactly like the engine in its own process. Thread-safe; connections are kept alive and shared.
 *
 * <p>Every call ends within a timeout: {@link Settings#requestTimeout()} for management calls,
 * {@link Settings#imageTimeout()} for {@link #ensureImage}, and the invocation's deadline plus
 * {@link Settings#invokeMargin()} for {@link #invoke}. Whatever the node reports is rethrown as the
 * {@link NodeException} it sent, with the same status and message (400 included); a node that
 * cannot be reached is a {@code NodeException} 503, one that does not answer properly 502, each
 * naming the node and what was being done.
 */
public final class RemoteNode implements NodeApi {

  /**
   * Timeouts and limits of a remote node.
   *
   * @param connectTimeout to open a connection
   * @param requestTimeout for a management call (info, start, stop, lists, stats, logs)
   * @param imageTimeout for {@link #ensureImage}, which may pull an image
   * @param invokeMargin added to an invocation's deadline: the time the node needs to stop a
   *     function that overran and say so
   * @param maxAnswerBytes largest answer accepted; a larger one is a 502
   */
  public record Settings(
      Duration connectTimeout,
      Duration requestTimeout,
      Duration imageTimeout,
      Duration invokeMargin,
      long maxAnswerBytes) {

    /**
     * Connect in 2 s, calls in 30 s, images in 10 min, invocations up to 1 s past the deadline,
     * answers up to 32 MiB.
     */
    public static final Settings DEFAULT =
        new Settings(
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            Duration.ofMinutes(10),
            Duration.ofSeconds(1),
            32L * 1024 * 1024);

    public Settings {
      positive("connectTimeout", connectTimeout);
      positive("requestTimeout", requestTimeout);
      positive("imageTimeout", imageTimeout);
      if (invokeMargin == null || invokeMargin.isNegative()) {
        throw new IllegalArgumentException(
            "invokeMargin must be zero or more, got " + invokeMargin);
      }
      if (maxAnswerBytes < 1) {
        throw new IllegalArgumentException(
            "maxAnswerBytes must be positive, got " + maxAnswerBytes);
      }
    }

    private static void positive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
    }

    /** These settings with another invocation margin. */
    public Settings withInvokeMargin(Duration value) {
      return new Settings(connectTimeout, requestTimeout, imageTimeout, value, maxAnswerBytes);
    }

    /** These settings with another management call timeout. */
    public Settings withRequestTimeout(Duration value) {
      return new Settings(connectTimeout, value, imageTimeout, invokeMargin, maxAnswerBytes);
    }
  }

  private static final Consumer<HttpRequest.Builder> NO_HEADERS = b -> {};
  private static final Consumer<HttpRequest.Builder> JSON =
      b -> b.header("Content-Type", AgentResponse.JSON);

  private final AgentTransport transport;
  private final Settings settings;

  /**
   * A node at {@code baseUrl} ({@code http://host:port}) that needs no token, with default
   * settings.
   */
  public RemoteNode(URI baseUrl) {
    this(baseUrl, null, Settings.DEFAULT);
  }

  /**
   * A node at {@code baseUrl}.
   *
   * @param token the node's shared secret, sent as {@code Authorization: Bearer}; null for none
   */
  public RemoteNode(URI baseUrl, String token, Settings settings) {
    String scheme = baseUrl.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme) || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "node URL must be http://host:port or https://host:port, got '" + baseUrl + "'");
    }
    this.settings = settings;
    this.transport =
        new AgentTransport(baseUrl, token, settings.connectTimeout(), settings.maxAnswerBytes());
  }

  /** The node agent's base URL. */
  public URI baseUrl() {
    return URI.create(transport.base());
  }

  @Override
  public NodeInfo info() {
    return AgentJson.read(get("/v1/node", "reading node info"), NodeInfo.class, "node info");
  }

  @Override
  public ImageStatus ensureImage(ImageRef image) {
    String doing = "ensuring image " + image;
    AgentTransport.Answer a =
        transport.send(
            "POST",
            "/v1/images",
            JSON,
            AgentJson.imageRequest(image),
            settings.imageTimeout(),
            doing);
    return AgentJson.read(expect(a, 200, doing), ImageStatus.class, "image status");
  }

  @Override
  public ContainerInfo start(StartRequest request) {
    String doing =
        "starting a container of function '"
            + request.spec().name()
            + "' version "
            + request.version();
    AgentTransport.Answer a =
        transport.send(
            "POST",
            "/v1/containers",
            JSON,
            AgentJson.write(request),
            settings.requestTimeout(),
            doing);
    return AgentJson.read(expect(a, 201, doing), ContainerInfo.class, "container info");
  }

  @Override
  public InvocationResult invoke(String containerId, Invocation invocation) {
    String doing = "invoking container " + containerId;
    Duration untilDeadline = Duration.between(Instant.now(), invocation.deadline());
    Duration timeout =
        (untilDeadline.isNegative() ? Duration.ZERO : untilDeadline).plus(settings.invokeMargin());
    if (timeout.isZero()) {
      timeout = Duration.ofMillis(1);
    }
    AgentTransport.Answer a =
        transport.send(
            "POST",
            container(containerId) + "/invoke",
            b -> {
              b.header("Content-Type", "application/octet-stream");
              InvokeWire.writeInvocation(invocation, b::header);
            },
            invocation.body(),
            timeout,
            doing);
    InvocationResult result;
    try {
      result = InvokeWire.readResult(a.status(), a.headers(), a.body());
    } catch (IllegalArgumentException garbled) {
      throw transport.failure(
          502, "a garbled invocation result (" + garbled.getMessage() + ")", doing, garbled);
    }
    if (result == null) {
      throw nodeFailure(a, doing);
    }
    return result;
  }

  @Override
  public void stop(String containerId) {
    String doing = "stopping container " + containerId;
    AgentTransport.Answer a =
        transport.send(
            "DELETE", container(containerId), NO_HEADERS, null, settings.requestTimeout(), doing);
    expect(a, 204, doing);
  }

  @Override
  public List<ContainerInfo> containers() {
    return AgentJson.readList(
        get("/v1/containers", "listing containers"), ContainerInfo.class, "container list");
  }

  @Override
  public ContainerStats stats(String containerId) {
    return AgentJson.read(
        get(container(containerId) + "/stats", "reading stats of container " + containerId),
        ContainerStats.class,
        "container stats");
  }

  @Override
  public List<StemCellPool> stemCells() {
    return AgentJson.readList(
        get("/v1/stemcells", "listing stem cells"), StemCellPool.class, "stem-cell pools");
  }

  @Override
  public String logs(String containerId, int maxBytes) {
    byte[] text =
        get(
            container(containerId) + "/logs?maxBytes=" + maxBytes,
            "reading logs of container " + containerId);
    return new String(text, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RemoteNode[" + transport.base() + "]";
  }

  private byte[] get(String path, String doing) {
    return expect(
        transport.send("GET", path, NO_HEADERS, null, settings.requestTimeout(), doing),
        200,
        doing);
  }

  private static String container(String containerId) {
    if (containerId == null || containerId.isEmpty()) {
      throw new IllegalArgumentException("a container id is needed");
    }
    return "/v1/containers/" + Escapes.pathSegment(containerId);
  }

  private byte[] expect(AgentTransport.Answer a, int status, String doing) {
    if (a.status() != status) {
      throw nodeFailure(a, doing);
    }
    return a.body();
  }

  /**
   * The node's own error, as it reported it; anything else that is not the expected answer is a
   * 502.
   */
  private NodeException nodeFailure(AgentTransport.Answer a, String doing) {
    if (a.status() >= 400) {
      String message = AgentJson.readProblem(a.body()).orElse(null);
      if (message != null) {
        return new NodeException(a.status(), message);
      }
    }
    String text = new String(a.body(), 0, Math.min(a.body().length, 200), StandardCharsets.UTF_8);
    return transport.failure(
        502,
        "unexpected answer " + a.status() + (text.isBlank() ? "" : " (" + text.strip() + ")"),
        doing,
        null);
  }
}
