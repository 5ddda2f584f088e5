package dev.kiln.node.oci;

import java.nio.file.Path;
import java.util.List;

/**
 * An OCI runtime command failed. Carries the container, the command line and what the runtime said,
 * e.g. {@code runc run kiln-ab12 failed (exit 1): exec: "/app": no such file}.
 */
public final class OciRuntimeException extends RuntimeException {
  private final String containerId;
  private final List<String> command;
  private final int exitCode;
  private final String stderr;

  /**
   * @param containerId the container, or {@code null} for commands about all containers
   * @param command the full command line that failed
   * @param exitCode the runtime's exit code, -1 when it did not exit in time
   * @param stderr the runtime's error output
   */
  public OciRuntimeException(
      String containerId, List<String> command, int exitCode, String stderr) {
    super(describe(containerId, command, exitCode, stderr));
    this.containerId = containerId;
    this.command = List.copyOf(command);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }

  /** Without an exit code: the command could not be started or was interrupted. */
  public OciRuntimeException(String containerId, List<String> command, Throwable cause) {
    super(describe(containerId, command, -1, cause.toString()), cause);
    this.containerId = containerId;
    this.command = List.copyOf(command);
    this.exitCode = -1;
    this.stderr = "";
  }

  private static String describe(
      String containerId, List<String> command, int exitCode, String stderr) {
    String name = Path.of(command.get(0)).getFileName().toString();
    String verb = verb(command);
    return name
        + " "
        + verb
        + (containerId == null ? "" : " " + containerId)
        + " failed ("
        + (exitCode < 0 ? "did not finish" : "exit " + exitCode)
        + "): "
        + stderr.strip();
  }

  /** The subcommand: the first argument after the global options. */
  private static String verb(List<String> command) {
    for (int i = 1; i < command.size(); i++) {
      String arg = command.get(i);
      if (arg.equals("--root") || arg.equals("--log") || arg.equals("--log-format")) {
        i++;
      } else if (!arg.startsWith("-")) {
        return arg;
      }
    }
    return "";
  }

  /** The container, or {@code null}. */
  public String containerId() {
    return containerId;
  }

  /** The command line that failed. */
  public List<String> command() {
    return command;
  }

  /** The runtime's exit code, -1 when it did not exit. */
  public int exitCode() {
    return exitCode;
  }

  /** What the runtime wrote about the failure. */
  public String stderr() {
    return stderr;
  }
}
