package dev.kiln.node.oci;

import java.nio.file.Path;
import java.util.List;

/**
 * crun, a faster OCI runtime in C; crun 1.8 refuses hybrid cgroup hosts ("cgroups in hybrid mode
 * not supported"), which {@link RuntimeProbe} detects.
 */
final class CrunRuntime extends CliRuntime {
  CrunRuntime(Path binary, Path stateRoot) {
    super(binary, stateRoot);
  }

  @Override
  public String name() {
    return "crun";
  }

  @Override
  List<String> logOptions(Path logFile) {
    return List.of("--log=file:" + logFile, "--log-format=json");
  }
}
