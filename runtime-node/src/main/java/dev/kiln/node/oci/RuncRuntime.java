package dev.kiln.node.oci;

import java.nio.file.Path;
import java.util.List;

/** runc, the reference OCI runtime; works on cgroup v1, hybrid and v2 hosts. */
final class RuncRuntime extends CliRuntime {
  RuncRuntime(Path binary, Path stateRoot) {
    super(binary, stateRoot);
  }

  @Override
  public String name() {
    return "runc";
  }

  @Override
  List<String> logOptions(Path logFile) {
    return List.of("--log", logFile.toString(), "--log-format", "json");
  }
}
