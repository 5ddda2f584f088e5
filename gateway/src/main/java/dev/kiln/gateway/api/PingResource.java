package dev.kiln.gateway.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Placeholder resource while the gateway is built. */
@Path("/v1/ping")
public class PingResource {
  /** Answers pong. */
  @GET
  public String ping() {
    return "pong";
  }
}
