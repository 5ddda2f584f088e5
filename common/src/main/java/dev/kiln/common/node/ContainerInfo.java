package dev.kiln.common.node;

import dev.kiln.common.Digest;
import java.time.Duration;
import java.time.Instant;

/**
 * A container on a node.
 *
 * @param id container id, unique on the node
 * @param function function name
 * @param version function version
 * @param image manifest digest of its image
 * @param coldStart how it was started
 * @param state its state now
 * @param startedAt when it was started
 * @param startup from the start request to accepting invocations
 */
public record ContainerInfo(
    String id,
    String function,
    int version,
    Digest image,
    ColdStart coldStart,
    State state,
    Instant startedAt,
    Duration startup) {

  /** How the container came to be. */
  public enum ColdStart {
    /** A new container: rootfs mounted, OCI runtime run, runner booted. */
    FRESH,
    /** A waiting stem cell specialised with the function's code. */
    STEM_CELL
  }

  /** Container states. */
  public enum State {
    /** Ready for an invocation. */
    IDLE,
    /** Serving an invocation. */
    BUSY,
    /** Gone: stopped, killed at a deadline, crashed or out of memory. */
    STOPPED
  }
}
