package dev.kiln.gateway.nodes;

import dev.kiln.common.node.NodeException;
import dev.kiln.common.node.NodeInfo;
import dev.kiln.gateway.boot.KilnConfig;
import dev.kiln.gateway.boot.Role;
import dev.kiln.gateway.problem.ApiException;
import dev.kiln.node.agent.AgentJson;
import dev.kiln.node.agent.RemoteNode;
import dev.kiln.scheduler.Scheduler;
import dev.kiln.scheduler.api.Snapshot;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * {@code /v1/nodes}: runtime nodes join the control plane ({@code kiln node --join}), heartbeat and
 * leave; operators list them. A joined node is a {@link RemoteNode} to the scheduler.
 */
@Path("/v1/nodes")
@Tag(name = "nodes", description = "Runtime nodes joined to this control plane")
public class NodeResource {

  private static final Logger LOG = Logger.getLogger(NodeResource.class);

  /** A node id as the engine allows it: it names the node's cgroup subtree. */
  private static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");

  private final Scheduler scheduler;
  private final NodeDirectory directory;
  private final RuntimeImagePublisher runtimeImages;
  private final Set<Role> roles;
  private final Duration heartbeatTimeout;

  NodeResource(
      Scheduler scheduler,
      NodeDirectory directory,
      RuntimeImagePublisher runtimeImages,
      KilnConfig config) {
    this.scheduler = scheduler;
    this.directory = directory;
    this.runtimeImages = runtimeImages;
    this.roles = Role.expand(config.roles());
    this.heartbeatTimeout = config.scheduler().heartbeatTimeout();
  }

  /**
   * What {@code POST /v1/nodes} takes.
   *
   * @param nodeId the node's id, as its agent reports it
   * @param url the node agent's base URL, reachable from the control plane
   * @param token the agent's shared secret, if it has one
   */
  public record Registration(String nodeId, String url, String token) {}

  /** Registers a node (again): the scheduler asks its agent for its capacity, then places there. */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Register a runtime node (kiln node --join does this)")
  public Response register(Registration request) {
    requireScheduler();
    if (request == null) {
      throw ApiException.badRequest(
          "send a JSON body such as {\"nodeId\": \"n1\", \"url\": \"http://10.0.0.7:7070\"}");
    }
    String id = nodeId(request.nodeId());
    URI url = agentUrl(request.url());
    RemoteNode node = new RemoteNode(url, request.token(), RemoteNode.Settings.DEFAULT);
    NodeInfo info;
    try {
      info = node.info();
    } catch (NodeException e) {
      throw unreachable(id, url, e);
    }
    if (!id.equals(info.nodeId())) {
      throw ApiException.conflict(
          "the agent at " + url + " is node '" + info.nodeId() + "', not '" + id + "'");
    }
    try {
      scheduler.registerNode(id, node);
    } catch (NodeException e) {
      throw unreachable(id, url, e);
    }
    directory.joined(id, url);
    runtimeImages.nodeJoined();
    LOG.infof(
        "Node %s joined from %s: %d millicores, %d MiB",
        id, url, info.cpuMillis(), info.memoryMiB());
    return Response.created(URI.create("/v1/nodes/" + id))
        .type(MediaType.APPLICATION_JSON)
        .entity(view(id))
        .build();
  }

  /** Records a heartbeat; 404 tells the node to register again. */
  @PUT
  @Path("/{id}/heartbeat")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Heartbeat of a runtime node, with its NodeInfo")
  public Response heartbeat(@PathParam("id") String id, byte[] body) {
    requireScheduler();
    NodeInfo info = AgentJson.read(body == null ? new byte[0] : body, NodeInfo.class, "node info");
    if (!id.equals(info.nodeId())) {
      throw ApiException.badRequest(
          "the heartbeat at /v1/nodes/" + id + " carries the info of node '" + info.nodeId() + "'");
    }
    if (!scheduler.heartbeat(id, info)) {
      throw new ApiException(
          404,
          "unknown-node",
          "Unknown node",
          "unknown node '" + id + "', register again (POST /v1/nodes)");
    }
    return Response.noContent().build();
  }

  /** Takes a node out of service: no new containers go there; calls running there finish. */
  @DELETE
  @Path("/{id}")
  @Operation(summary = "Remove a runtime node (it leaves on shutdown)")
  public Response remove(@PathParam("id") String id) {
    requireScheduler();
    if (!scheduler.removeNode(id)) {
      throw ApiException.notFound("no node '" + id + "' is registered");
    }
    directory.left(id);
    LOG.infof("Node %s left", id);
    return Response.noContent().build();
  }

  /** The nodes the scheduler places on now; a lost node is gone within a second. */
  @GET
  @Operation(summary = "List runtime nodes")
  public List<NodeView> list() {
    requireScheduler();
    Instant now = Instant.now();
    return scheduler.snapshot().nodes().stream()
        .map(n -> NodeView.of(n, directory.url(n.nodeId()).orElse(null), now, heartbeatTimeout))
        .toList();
  }

  /** One node. */
  @GET
  @Path("/{id}")
  @Operation(summary = "One runtime node")
  public NodeView get(@PathParam("id") String id) {
    requireScheduler();
    return view(id);
  }

  private NodeView view(String id) {
    Snapshot.NodeState n = scheduler.snapshot().node(id);
    if (n == null) {
      throw ApiException.notFound("no node '" + id + "' is registered");
    }
    return NodeView.of(n, directory.url(id).orElse(null), Instant.now(), heartbeatTimeout);
  }

  private void requireScheduler() {
    if (!roles.contains(Role.SCHEDULER)) {
      throw new ApiException(
          503,
          "no-scheduler",
          "No scheduler",
          "this process has no scheduler role (kiln.roles); nodes join the control plane that"
              + " runs the scheduler");
    }
  }

  private static String nodeId(String value) {
    if (value == null || !NODE_ID.matcher(value).matches()) {
      throw ApiException.badRequest(
          "nodeId must be 1-41 of [a-z0-9-], starting with a letter or digit, got "
              + (value == null ? "nothing" : "'" + value + "'"));
    }
    return value;
  }

  private static URI agentUrl(String value) {
    try {
      URI uri = new URI(value == null ? "" : value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw ApiException.badRequest(
        "url must be the node agent's base URL such as http://10.0.0.7:7070, got "
            + (value == null ? "nothing" : "'" + value + "'"));
  }

  private static ApiException unreachable(String id, URI url, NodeException e) {
    return new ApiException(
        502,
        "node-unreachable",
        "Node unreachable",
        "cannot register node '"
            + id
            + "': the control plane cannot use its agent at "
            + url
            + " ("
            + e.getMessage()
            + "); start the node with --advertise set to a URL this control plane reaches");
  }
}
