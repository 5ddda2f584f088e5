package dev.kiln.node.oci;

import java.util.List;

/** A bundle failed the checks run on its config.json; lists every failed check. */
public final class InvalidBundleException extends RuntimeException {
  private final String containerId;
  private final List<String> problems;

  /**
   * @param containerId the container the bundle was for
   * @param problems one entry per problem, each {@code "<check>: <what is wrong>"}
   */
  public InvalidBundleException(String containerId, List<String> problems) {
    super("invalid bundle for container " + containerId + ": " + String.join("; ", problems));
    this.containerId = containerId;
    this.problems = List.copyOf(problems);
  }

  /** The container the bundle was for. */
  public String containerId() {
    return containerId;
  }

  /** What is wrong, one entry per problem. */
  public List<String> problems() {
    return problems;
  }
}
