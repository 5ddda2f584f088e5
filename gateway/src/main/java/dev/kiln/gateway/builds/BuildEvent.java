package dev.kiln.gateway.builds;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One thing that happened in a build, as sent on {@code /v1/builds/{id}/events}.
 *
 * @param type {@code step} (a step started), {@code layer} (a layer was built or reused), {@code
 *     log} (a line of an earlier build's log), {@code done} or {@code failed}
 * @param line the line a person reads, as {@code kiln build} prints it
 * @param version for {@code done}: the version made
 * @param digest for {@code done}: the image's manifest digest
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BuildEvent(String type, String line, Integer version, String digest) {

  /** A progress line of type {@code type}. */
  public static BuildEvent line(String type, String line) {
    return new BuildEvent(type, line, null, null);
  }

  /** Whether the build is over with this event. */
  public boolean isFinal() {
    return type.equals("done") || type.equals("failed");
  }
}
