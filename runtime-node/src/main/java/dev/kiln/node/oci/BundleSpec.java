package dev.kiln.node.oci;

import dev.kiln.common.Limits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A function container in Kiln's terms, before translation into OCI {@code config.json} by {@link
 * OciBundle#write}. Only what Kiln varies per container is here; the hardening (namespaces,
 * capabilities, seccomp, masked paths) is fixed by the translation.
 *
 * @param id container id, also the runc/crun id
 * @param rootfs the container's root directory (an overlay mount, or a plain directory)
 * @param readonlyRoot mount the root read-only; a size-limited tmpfs is then mounted on /tmp
 * @param args the process's argv; {@code args[0]} is resolved against {@code PATH} in the container
 * @param env environment variables; {@code PATH} defaults to the usual system path
 * @param cwd absolute working directory
 * @param uid user id of the process (0 = root in the container, without the dropped capabilities)
 * @param gid group id of the process
 * @param hostname the container's hostname (UTS namespace)
 * @param mounts bind mounts on top of the standard ones
 * @param cgroupsPath {@code linux.cgroupsPath}, from {@code Cgroups.cgroupsPath(id)}
 * @param limits memory, CPU and pids limits, applied by the runtime on creation
 * @param nofile RLIMIT_NOFILE, soft and hard
 * @param tmpSizeMiB size of the /tmp tmpfs when the root is read-only
 * @param cpuShares {@code linux.resources.cpu.shares} (cgroup v1 cpu.shares, mapped to cpu.weight
 *     on v2), 0 for the default weight
 */
public record BundleSpec(
    String id,
    Path rootfs,
    boolean readonlyRoot,
    List<String> args,
    Map<String, String> env,
    String cwd,
    int uid,
    int gid,
    String hostname,
    List<BindMount> mounts,
    String cgroupsPath,
    Limits limits,
    int nofile,
    int tmpSizeMiB,
    long cpuShares) {

  /** The lowest CPU weight: the container runs on what others leave idle. */
  public static final long BACKGROUND_CPU_SHARES = 2;

  /** Search path used when {@code env} has no {@code PATH}. */
  public static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  public BundleSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(rootfs, "rootfs");
    Objects.requireNonNull(cwd, "cwd");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(limits, "limits");
    args = List.copyOf(args);
    TreeMap<String, String> sorted = new TreeMap<>(env);
    sorted.putIfAbsent("PATH", DEFAULT_PATH);
    env = Map.copyOf(sorted);
    mounts = List.copyOf(mounts);
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException("uid and gid must not be negative: " + uid + ":" + gid);
    }
    if (nofile < 16) {
      throw new IllegalArgumentException("nofile must be at least 16, got " + nofile);
    }
    if (tmpSizeMiB < 1) {
      throw new IllegalArgumentException("/tmp size must be positive, got " + tmpSizeMiB);
    }
    if (cpuShares != 0 && (cpuShares < 2 || cpuShares > 262144)) {
      throw new IllegalArgumentException("cpu shares must be 2 to 262144, got " + cpuShares);
    }
  }

  /**
   * Starts a spec with Kiln's defaults: read-only root, cwd {@code /}, root user, hostname = id,
   * {@link Limits#DEFAULT}, 1024 open files, 64 MiB /tmp, cgroup path {@code /kiln/<id>}.
   */
  public static Builder builder(String id, Path rootfs, List<String> args) {
    return new Builder(id, rootfs, args);
  }

  /** Collects the optional parts of a {@link BundleSpec}. */
  public static final class Builder {
    private final String id;
    private final Path rootfs;
    private final List<String> args;
    private boolean readonlyRoot = true;
    private final Map<String, String> env = new TreeMap<>();
    private String cwd = "/";
    private int uid;
    private int gid;
    private String hostname;
    private final List<BindMount> mounts = new ArrayList<>();
    private String cgroupsPath;
    private Limits limits = Limits.DEFAULT;
    private int nofile = 1024;
    private int tmpSizeMiB = 64;
    private long cpuShares;

    private Builder(String id, Path rootfs, List<String> args) {
      this.id = id;
      this.rootfs = rootfs;
      this.args = List.copyOf(args);
      this.hostname = id;
      this.cgroupsPath = "/kiln/" + id;
    }

    /** Whether the root is mounted read-only (default true). */
    public Builder readonlyRoot(boolean value) {
      this.readonlyRoot = value;
      return this;
    }

    /** Adds an environment variable. */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** Sets the working directory (default {@code /}). */
    public Builder cwd(String value) {
      this.cwd = value;
      return this;
    }

    /** Runs the process as this uid and gid (default 0:0). */
    public Builder user(int uid, int gid) {
      this.uid = uid;
      this.gid = gid;
      return this;
    }

    /** Sets the hostname (default: the id). */
    public Builder hostname(String value) {
      this.hostname = value;
      return this;
    }

    /** Adds a bind mount. */
    public Builder mount(BindMount mount) {
      mounts.add(mount);
      return this;
    }

    /** Adds several bind mounts. */
    public Builder mounts(List<BindMount> values) {
      mounts.addAll(values);
      return this;
    }

    /** Sets {@code linux.cgroupsPath} (default {@code /kiln/<id>}). */
    public Builder cgroupsPath(String value) {
      this.cgroupsPath = value;
      return this;
    }

    /** Sets the resource limits (default {@link Limits#DEFAULT}). */
    public Builder limits(Limits value) {
      this.limits = value;
      return this;
    }

    /** Sets RLIMIT_NOFILE (default 1024). */
    public Builder nofile(int value) {
      this.nofile = value;
      return this;
    }

    /** Sets the size of the /tmp tmpfs (default 64 MiB). */
    public Builder tmpSizeMiB(int value) {
      this.tmpSizeMiB = value;
      return this;
    }

    /** Sets the CPU weight as cgroup v1 shares (default 0: the runtime's default weight). */
    public Builder cpuShares(long value) {
      this.cpuShares = value;
      return this;
    }

    /** The spec. */
    public BundleSpec build() {
      return new BundleSpec(
          id,
          rootfs,
          readonlyRoot,
          args,
          env,
          cwd,
          uid,
          gid,
          hostname,
          mounts,
          cgroupsPath,
          limits,
          nofile,
          tmpSizeMiB,
          cpuShares);
    }
  }
}
