package dev.kiln.scheduler.api;

/** Why the scheduler let go of a container. */
public enum StopReason {
  /** Idle for longer than the function's keep-alive. */
  KEEP_ALIVE,
  /** The function was undeployed. */
  UNDEPLOYED,
  /** A new version (or spec, or image) of the function was deployed. */
  REPLACED,
  /** Its invocation timed out, ran out of memory, or its runner exited: the node killed it. */
  FAILED,
  /** The node answered with an error or rejected calls to it. */
  NODE_ERROR,
  /** Its node stopped answering heartbeats, or was removed. */
  NODE_LOST
}
