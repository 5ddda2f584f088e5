package dev.kiln.gateway.invoke;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A row of {@code invocations}: an asynchronous invocation and, once it ran, its result.
 *
 * @param id its id
 * @param function the function's name
 * @param version the version current when it was queued
 * @param method HTTP method
 * @param path sub-path below the function
 * @param query raw query string
 * @param headers request headers passed on
 * @param body request body
 * @param status {@code queued}, {@code running}, {@code succeeded} or {@code failed}
 * @param attempts attempts so far (a claim counts)
 * @param maxAttempts attempts allowed before it fails
 * @param nextAttemptAt when it may run (again)
 * @param resultStatus the function's HTTP status, once it answered
 * @param resultHeaders the function's response headers
 * @param resultBody the function's response body
 * @param error why the last attempt failed
 * @param callbackUrl where the result is POSTed when it ends
 * @param callbackStatus how that POST went
 * @param createdAt when it was queued
 * @param updatedAt when it last changed
 * @param finishedAt when it reached {@code succeeded} or {@code failed}
 */
public record QueuedInvocation(
    UUID id,
    String function,
    Integer version,
    String method,
    String path,
    String query,
    Map<String, List<String>> headers,
    byte[] body,
    String status,
    int attempts,
    int maxAttempts,
    Instant nextAttemptAt,
    Integer resultStatus,
    Map<String, List<String>> resultHeaders,
    byte[] resultBody,
    String error,
    String callbackUrl,
    String callbackStatus,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt) {

  /** Whether it has reached a final state. */
  public boolean isFinished() {
    return status.equals("succeeded") || status.equals("failed");
  }
}
