package dev.kiln.gateway.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a runtime node needs from its machine, checked at start so that a missing piece is named
 * with its fix instead of failing the first invocation: root, runc or crun, overlayfs and mounted
 * cgroups.
 */
public final class Prerequisites {

  /** OCI runtimes Kiln can drive, in order of preference. */
  public static final List<String> OCI_RUNTIMES = List.of("crun", "runc");

  private Prerequisites() {}

  /**
   * Something missing.
   *
   * @param what what is missing, e.g. "an OCI runtime (runc or crun)"
   * @param fix how to get it, e.g. "apt-get install runc"
   */
  public record Missing(String what, String fix) {
    @Override
    public String toString() {
      return what + ": " + fix;
    }
  }

  /** What the checks read from the machine; {@link #system()} reads the real one. */
  public interface Host {
    /** Whether the process runs as root (uid 0). */
    boolean isRoot();

    /** The executable {@code name} found on {@code PATH}. */
    Optional<Path> onPath(String name);

    /** The text of {@code /proc/filesystems}. */
    String filesystems();

    /** The text of {@code /proc/self/mounts}. */
    String mounts();
  }

  /** Every missing prerequisite on {@code host}; empty when the node can run containers. */
  public static List<Missing> check(Host host) {
    List<Missing> missing = new ArrayList<>();
    if (!host.isRoot()) {
      missing.add(
          new Missing(
              "root privileges (containers need namespaces, mounts and cgroups)",
              "run Kiln as root, e.g. sudo ./kiln up"));
    }
    if (ociRuntime(host).isEmpty()) {
      missing.add(new Missing("an OCI runtime (runc or crun)", "apt-get install runc"));
    }
    if (host.filesystems().lines().noneMatch(l -> l.strip().endsWith("overlay"))) {
      missing.add(
          new Missing(
              "overlayfs (no 'overlay' in /proc/filesystems)",
              "load the module: modprobe overlay"));
    }
    if (host.mounts().lines().map(l -> l.split(" ")).noneMatch(Prerequisites::isCgroupMount)) {
      missing.add(
          new Missing(
              "cgroups (none mounted)", "mount cgroup v2: mount -t cgroup2 none /sys/fs/cgroup"));
    }
    return List.copyOf(missing);
  }

  /** The first OCI runtime found on {@code PATH}. */
  public static Optional<Path> ociRuntime(Host host) {
    for (String name : OCI_RUNTIMES) {
      Optional<Path> p = host.onPath(name);
      if (p.isPresent()) {
        return p;
      }
    }
    return Optional.empty();
  }

  private static boolean isCgroupMount(String[] fields) {
    return fields.length > 2 && (fields[2].equals("cgroup") || fields[2].equals("cgroup2"));
  }

  /** The machine this process runs on. */
  public static Host system() {
    return new Host() {
      @Override
      public boolean isRoot() {
        return read("/proc/self/status")
            .lines()
            .filter(l -> l.startsWith("Uid:"))
            .findFirst()
            .map(l -> l.split("\\s+").length > 2 && l.split("\\s+")[2].equals("0"))
            .orElse(false);
      }

      @Override
      public Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
          if (dir.isEmpty()) {
            continue;
          }
          Path candidate = Path.of(dir, name);
          if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
            return Optional.of(candidate);
          }
        }
        return Optional.empty();
      }

      @Override
      public String filesystems() {
        return read("/proc/filesystems");
      }

      @Override
      public String mounts() {
        return read("/proc/self/mounts");
      }
    };
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      return "";
    }
  }
}
