package dev.kiln.node.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Limits;
import java.util.List;
import java.util.TreeMap;

/**
 * Translates a {@link BundleSpec} into an OCI runtime-spec 1.0.2 {@code config.json}: the one place
 * where Kiln's container model meets the OCI format (as runc's {@code specconv} is for runc). The
 * result is checked by {@link SpecChecks} before it is written.
 *
 * @see <a href="https://github.com/opencontainers/runtime-spec/blob/v1.0.2/config.md">config.md</a>
 * @see <a
 *     href="https://github.com/opencontainers/runtime-spec/blob/v1.0.2/config-linux.md">config-linux.md</a>
 */
final class SpecTranslator {
  static final String OCI_VERSION = "1.0.2";

  /** The capabilities a function keeps; no CAP_SYS_ADMIN, no CAP_NET_RAW (capabilities(7)). */
  static final List<String> CAPABILITIES =
      List.of(
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_FOWNER",
          "CAP_FSETID",
          "CAP_KILL",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETPCAP",
          "CAP_NET_BIND_SERVICE");

  static final List<String> NAMESPACES = List.of("pid", "network", "ipc", "uts", "mount");

  /** Kernel interfaces that leak host information or allow host changes: hidden. */
  static final List<String> MASKED_PATHS =
      List.of(
          "/proc/acpi",
          "/proc/asound",
          "/proc/interrupts",
          "/proc/kcore",
          "/proc/keys",
          "/proc/latency_stats",
          "/proc/timer_list",
          "/proc/timer_stats",
          "/proc/sched_debug",
          "/proc/scsi",
          "/sys/firmware",
          "/sys/devices/virtual/powercap");

  /** Kernel interfaces a container may read but never write. */
  static final List<String> READONLY_PATHS =
      List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  static final ObjectMapper JSON = new ObjectMapper();

  private SpecTranslator() {}

  static ObjectNode toConfig(BundleSpec spec) {
    ObjectNode config = JSON.createObjectNode();
    config.put("ociVersion", OCI_VERSION);
    process(config.putObject("process"), spec);
    ObjectNode root = config.putObject("root");
    root.put("path", spec.rootfs().toAbsolutePath().toString());
    root.put("readonly", spec.readonlyRoot());
    config.put("hostname", spec.hostname());
    mounts(config.putArray("mounts"), spec);
    linux(config.putObject("linux"), spec);
    return config;
  }

  private static void process(ObjectNode process, BundleSpec spec) {
    process.put("terminal", false);
    ObjectNode user = process.putObject("user");
    user.put("uid", spec.uid());
    user.put("gid", spec.gid());
    ArrayNode args = process.putArray("args");
    spec.args().forEach(args::add);
    ArrayNode env = process.putArray("env");
    new TreeMap<>(spec.env()).forEach((name, value) -> env.add(name + "=" + value));
    process.put("cwd", spec.cwd());
    ObjectNode caps = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      ArrayNode names = caps.putArray(set);
      CAPABILITIES.forEach(names::add);
    }
    caps.putArray("inheritable");
    caps.putArray("ambient");
    ObjectNode nofile = process.putArray("rlimits").addObject();
    nofile.put("type", "RLIMIT_NOFILE");
    nofile.put("hard", spec.nofile());
    nofile.put("soft", spec.nofile());
    process.put("noNewPrivileges", true);
  }

  private static void mounts(ArrayNode mounts, BundleSpec spec) {
    mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
    mount(
        mounts,
        "/dev",
        "tmpfs",
        "tmpfs",
        List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
    mount(
        mounts,
        "/dev/pts",
        "devpts",
        "devpts",
        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
    mount(
        mounts,
        "/dev/shm",
        "tmpfs",
        "shm",
        List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
    mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
    mount(mounts, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
    // The container's own cgroup, read-only, so a runtime can read its limits from inside.
    mount(
        mounts,
        "/sys/fs/cgroup",
        "cgroup",
        "cgroup",
        List.of("nosuid", "noexec", "nodev", "relatime", "ro"));
    if (spec.readonlyRoot()) {
      mount(
          mounts,
          "/tmp",
          "tmpfs",
          "tmpfs",
          List.of("nosuid", "nodev", "mode=1777", "size=" + spec.tmpSizeMiB() + "m"));
    }
    for (BindMount bind : spec.mounts()) {
      mount(
          mounts,
          bind.destination(),
          "bind",
          bind.source().toAbsolutePath().toString(),
          List.of(
              "rbind",
              bind.readOnly() ? "ro" : "rw",
              "nosuid",
              "nodev",
              bind.propagation().option()));
    }
  }

  private static void mount(
      ArrayNode mounts, String destination, String type, String source, List<String> options) {
    ObjectNode mount = mounts.addObject();
    mount.put("destination", destination);
    mount.put("type", type);
    mount.put("source", source);
    ArrayNode opts = mount.putArray("options");
    options.forEach(opts::add);
  }

  private static void linux(ObjectNode linux, BundleSpec spec) {
    ArrayNode namespaces = linux.putArray("namespaces");
    // No "path": every namespace is new. A new network namespace has only loopback.
    NAMESPACES.forEach(type -> namespaces.addObject().put("type", type));
    if (spec.cgroupsPath() != null) {
      linux.put("cgroupsPath", spec.cgroupsPath());
    }
    resources(linux.putObject("resources"), spec.limits(), spec.cpuShares());
    ArrayNode masked = linux.putArray("maskedPaths");
    MASKED_PATHS.forEach(masked::add);
    ArrayNode readonly = linux.putArray("readonlyPaths");
    READONLY_PATHS.forEach(readonly::add);
    seccomp(linux.putObject("seccomp"));
    // Mounts made later on the host under a slave bind (a stem cell's code) reach the container.
    // runc does this by default; crun keeps the root private unless told.
    linux.put("rootfsPropagation", "rslave");
  }

  private static void resources(ObjectNode resources, Limits limits, long cpuShares) {
    ObjectNode deny = resources.putArray("devices").addObject();
    deny.put("allow", false);
    deny.put("access", "rwm");
    long bytes = limits.memoryMiB() * 1024L * 1024L;
    ObjectNode memory = resources.putObject("memory");
    memory.put("limit", bytes);
    // swap is memory+swap (v1 memory.memsw.limit_in_bytes): equal to the limit means no swap,
    // so a function over its limit is OOM-killed instead of slowed down by swapping.
    memory.put("swap", bytes);
    ObjectNode cpu = resources.putObject("cpu");
    cpu.put("quota", limits.cpuMillis() * 100L);
    cpu.put("period", 100_000L);
    if (cpuShares != 0) {
      cpu.put("shares", cpuShares);
    }
    resources.putObject("pids").put("limit", limits.pids());
  }

  private static void seccomp(ObjectNode seccomp) {
    seccomp.put("defaultAction", SeccompProfile.DEFAULT_ACTION);
    ArrayNode arches = seccomp.putArray("architectures");
    SeccompProfile.ARCHITECTURES.forEach(arches::add);
    ArrayNode syscalls = seccomp.putArray("syscalls");
    ObjectNode allowed = syscalls.addObject();
    ArrayNode names = allowed.putArray("names");
    SeccompProfile.ALLOWED.forEach(names::add);
    allowed.put("action", "SCMP_ACT_ALLOW");

    ObjectNode clone = syscalls.addObject();
    clone.putArray("names").add("clone");
    clone.put("action", "SCMP_ACT_ALLOW");
    ObjectNode flags = clone.putArray("args").addObject();
    flags.put("index", 0);
    flags.put("value", SeccompProfile.CLONE_NAMESPACE_FLAGS);
    flags.put("valueTwo", 0);
    flags.put("op", "SCMP_CMP_MASKED_EQ");

    ObjectNode clone3 = syscalls.addObject();
    clone3.putArray("names").add("clone3");
    clone3.put("action", "SCMP_ACT_ERRNO");
    clone3.put("errnoRet", SeccompProfile.CLONE3_ERRNO);

    for (long persona : SeccompProfile.PERSONALITIES) {
      ObjectNode personality = syscalls.addObject();
      personality.putArray("names").add("personality");
      personality.put("action", "SCMP_ACT_ALLOW");
      ObjectNode arg = personality.putArray("args").addObject();
      arg.put("index", 0);
      arg.put("value", persona);
      arg.put("op", "SCMP_CMP_EQ");
    }
  }
}
