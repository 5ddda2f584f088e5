package dev.kiln.node.agent;

import java.util.Map;

/**
 * Where a request goes: one of the API's endpoints, and the container it names. Container ids are
 * single path segments, percent-decoded.
 */
record AgentRoute(Endpoint endpoint, String containerId) {

  /** The endpoints and the method each answers. */
  enum Endpoint {
    NODE("GET"),
    IMAGES("POST"),
    CONTAINERS_LIST("GET"),
    CONTAINERS_START("POST"),
    CONTAINER_STOP("DELETE"),
    CONTAINER_STATS("GET"),
    CONTAINER_LOGS("GET"),
    CONTAINER_INVOKE("POST"),
    STEM_CELLS("GET");

    final String method;

    Endpoint(String method) {
      this.method = method;
    }
  }

  static AgentRoute parse(String method, String rawPath) throws AgentError {
    String[] s = rawPath.split("/", -1);
    // s[0] is the empty string before the leading '/'.
    if (s.length < 3 || !s[0].isEmpty() || !s[1].equals("v1")) {
      throw notFound(rawPath);
    }
    if (s.length == 3) {
      return switch (s[2]) {
        case "node" -> only(method, Endpoint.NODE, null);
        case "images" -> only(method, Endpoint.IMAGES, null);
        case "stemcells" -> only(method, Endpoint.STEM_CELLS, null);
        case "containers" -> containers(method);
        default -> throw notFound(rawPath);
      };
    }
    if (!s[2].equals("containers") || s.length > 5 || s[3].isEmpty()) {
      throw notFound(rawPath);
    }
    String id;
    try {
      id = Escapes.decode(s[3]);
    } catch (IllegalArgumentException malformed) {
      throw new AgentError(400, "container id in " + rawPath + ": " + malformed.getMessage());
    }
    if (s.length == 4) {
      return only(method, Endpoint.CONTAINER_STOP, id);
    }
    return switch (s[4]) {
      case "stats" -> only(method, Endpoint.CONTAINER_STATS, id);
      case "logs" -> only(method, Endpoint.CONTAINER_LOGS, id);
      case "invoke" -> only(method, Endpoint.CONTAINER_INVOKE, id);
      default -> throw notFound(rawPath);
    };
  }

  private static AgentRoute containers(String method) throws AgentError {
    return switch (method) {
      case "GET" -> new AgentRoute(Endpoint.CONTAINERS_LIST, null);
      case "POST" -> new AgentRoute(Endpoint.CONTAINERS_START, null);
      default -> throw notAllowed(method, "/v1/containers", "GET, POST");
    };
  }

  private static AgentRoute only(String method, Endpoint endpoint, String id) throws AgentError {
    if (!method.equals(endpoint.method)) {
      String path =
          switch (endpoint) {
            case NODE -> "/v1/node";
            case IMAGES -> "/v1/images";
            case STEM_CELLS -> "/v1/stemcells";
            case CONTAINER_STOP -> "/v1/containers/{id}";
            case CONTAINER_STATS -> "/v1/containers/{id}/stats";
            case CONTAINER_LOGS -> "/v1/containers/{id}/logs";
            case CONTAINER_INVOKE -> "/v1/containers/{id}/invoke";
            default -> "/v1/containers";
          };
      throw notAllowed(method, path, endpoint.method);
    }
    return new AgentRoute(endpoint, id);
  }

  private static AgentError notAllowed(String method, String path, String allowed) {
    return new AgentError(
        405,
        "method " + method + " is not allowed on " + path + " (allowed: " + allowed + ")",
        Map.of("Allow", allowed));
  }

  private static AgentError notFound(String rawPath) {
    return new AgentError(
        404, "no node agent API at " + rawPath + " (the API lives under /v1/, see /v1/node)");
  }
}
