package dev.kiln.node.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Small named checks run on a translated config.json before it is written, in the manner of runc's
 * {@code libcontainer/configs/validate}: each check looks at one concern and returns its problems,
 * and all problems are reported together.
 */
final class SpecChecks {
  /** A named check; returns one message per problem found. */
  record Check(String name, Function<JsonNode, List<String>> problems) {}

  /** runc's rule for container ids (also a safe path element and cgroup name). */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}");

  private static final Pattern ENV = Pattern.compile("[^=\\x00]+=[^\\x00]*");

  static final List<Check> ALL =
      List.of(
          new Check("rootfs", SpecChecks::rootfs),
          new Check("process", SpecChecks::process),
          new Check("env", SpecChecks::env),
          new Check("hostname", SpecChecks::hostname),
          new Check("namespaces", SpecChecks::namespaces),
          new Check("mounts", SpecChecks::mounts),
          new Check("capabilities", SpecChecks::capabilities),
          new Check("no-new-privileges", SpecChecks::noNewPrivileges),
          new Check("seccomp", SpecChecks::seccomp),
          new Check("cgroups", SpecChecks::cgroups),
          new Check("masked-paths", SpecChecks::maskedPaths));

  private SpecChecks() {}

  /** Runs every check. */
  static void validate(String containerId, JsonNode config) {
    List<String> problems = new ArrayList<>();
    if (containerId == null || !ID.matcher(containerId).matches()) {
      problems.add("id: '" + containerId + "' is not 1-128 of [A-Za-z0-9_.+-]");
    }
    for (Check check : ALL) {
      check.problems().apply(config).forEach(p -> problems.add(check.name() + ": " + p));
    }
    if (!problems.isEmpty()) {
      throw new InvalidBundleException(containerId, problems);
    }
  }

  private static List<String> rootfs(JsonNode c) {
    String path = c.path("root").path("path").asText();
    if (!path.startsWith("/")) {
      return List.of("root.path '" + path + "' is not absolute");
    }
    return Files.isDirectory(Path.of(path))
        ? List.of()
        : List.of("root.path " + path + " is not a directory");
  }

  private static List<String> process(JsonNode c) {
    List<String> problems = new ArrayList<>();
    JsonNode process = c.path("process");
    if (process.path("args").isEmpty() || process.path("args").get(0).asText().isEmpty()) {
      problems.add("args must name a program");
    }
    if (process.path("terminal").asBoolean(true)) {
      problems.add("terminal must be false: output goes to log files");
    }
    if (!process.path("cwd").asText().startsWith("/")) {
      problems.add("cwd '" + process.path("cwd").asText() + "' is not absolute");
    }
    return problems;
  }

  private static List<String> env(JsonNode c) {
    List<String> problems = new ArrayList<>();
    for (JsonNode entry : c.path("process").path("env")) {
      if (!ENV.matcher(entry.asText()).matches()) {
        problems.add("'" + entry.asText() + "' is not NAME=VALUE without NUL");
      }
    }
    return problems;
  }

  private static List<String> hostname(JsonNode c) {
    String hostname = c.path("hostname").asText();
    // HOST_NAME_MAX is 64; sethostname(2) takes any bytes, but '/' and NUL break tools.
    if (hostname.isEmpty() || hostname.length() > 64 || hostname.matches(".*[/\\x00\\s].*")) {
      return List.of("'" + hostname + "' is not 1-64 characters without '/', NUL or spaces");
    }
    return List.of();
  }

  private static List<String> namespaces(JsonNode c) {
    List<String> problems = new ArrayList<>();
    Set<String> types = new HashSet<>();
    for (JsonNode ns : c.path("linux").path("namespaces")) {
      if (!types.add(ns.path("type").asText())) {
        problems.add("namespace " + ns.path("type").asText() + " listed twice");
      }
      if (ns.has("path")) {
        problems.add("namespace " + ns.path("type").asText() + " joins an existing one");
      }
    }
    for (String required : SpecTranslator.NAMESPACES) {
      if (!types.contains(required)) {
        problems.add("a new " + required + " namespace is required");
      }
    }
    return problems;
  }

  private static List<String> mounts(JsonNode c) {
    List<String> problems = new ArrayList<>();
    Set<String> destinations = new HashSet<>();
    for (JsonNode mount : c.path("mounts")) {
      String destination = mount.path("destination").asText();
      if (!isCleanAbsolute(destination) || destination.equals("/")) {
        problems.add("destination '" + destination + "' is not a clean absolute path below /");
      } else if (!destinations.add(destination)) {
        problems.add("two mounts on " + destination);
      }
      if (mount.path("type").asText().equals("bind")) {
        String source = mount.path("source").asText();
        if (!source.startsWith("/") || !Files.exists(Path.of(source))) {
          problems.add("bind source " + source + " does not exist");
        }
      }
    }
    return problems;
  }

  private static List<String> capabilities(JsonNode c) {
    List<String> problems = new ArrayList<>();
    c.path("process")
        .path("capabilities")
        .fields()
        .forEachRemaining(
            set -> {
              for (JsonNode cap : set.getValue()) {
                if (!SpecTranslator.CAPABILITIES.contains(cap.asText())) {
                  problems.add(cap.asText() + " in " + set.getKey() + " is not allowed");
                }
              }
            });
    return problems;
  }

  private static List<String> noNewPrivileges(JsonNode c) {
    return c.path("process").path("noNewPrivileges").asBoolean(false)
        ? List.of()
        : List.of("must be true so setuid binaries cannot regain capabilities");
  }

  private static List<String> seccomp(JsonNode c) {
    List<String> problems = new ArrayList<>();
    JsonNode seccomp = c.path("linux").path("seccomp");
    if (!seccomp.path("defaultAction").asText().equals("SCMP_ACT_ERRNO")) {
      problems.add("default action must be SCMP_ACT_ERRNO");
    }
    for (JsonNode rule : seccomp.path("syscalls")) {
      if (!rule.path("action").asText().equals("SCMP_ACT_ALLOW")) {
        continue;
      }
      for (JsonNode name : rule.path("names")) {
        if (SeccompProfile.BLOCKED.contains(name.asText())) {
          problems.add(name.asText() + " must stay blocked");
        }
      }
    }
    return problems;
  }

  private static List<String> cgroups(JsonNode c) {
    List<String> problems = new ArrayList<>();
    JsonNode linux = c.path("linux");
    String path = linux.path("cgroupsPath").asText("");
    if (!isCleanAbsolute(path) || path.equals("/")) {
      problems.add("cgroupsPath '" + path + "' is not a clean absolute path below /");
    }
    JsonNode memory = linux.path("resources").path("memory");
    if (memory.path("limit").asLong(0) <= 0) {
      problems.add("a memory limit is required");
    } else if (memory.path("swap").asLong(0) < memory.path("limit").asLong()) {
      problems.add("memory.swap (memory+swap) must not be below memory.limit");
    }
    if (linux.path("resources").path("pids").path("limit").asLong(0) <= 0) {
      problems.add("a pids limit is required");
    }
    if (linux.path("resources").path("cpu").path("quota").asLong(0) <= 0) {
      problems.add("a CPU quota is required");
    }
    return problems;
  }

  private static List<String> maskedPaths(JsonNode c) {
    List<String> problems = new ArrayList<>();
    for (String list : List.of("maskedPaths", "readonlyPaths")) {
      for (JsonNode path : c.path("linux").path(list)) {
        if (!isCleanAbsolute(path.asText())) {
          problems.add(list + " entry '" + path.asText() + "' is not a clean absolute path");
        }
      }
    }
    return problems;
  }

  private static boolean isCleanAbsolute(String path) {
    return path.startsWith("/") && Path.of(path).normalize().toString().equals(path);
  }
}
