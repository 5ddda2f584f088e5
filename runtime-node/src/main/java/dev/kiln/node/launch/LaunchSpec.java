package dev.kiln.node.launch;

import dev.kiln.common.Limits;
import dev.kiln.node.oci.BindMount;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One container to launch.
 *
 * @param id container id (runc id and cgroup name)
 * @param dir the container's directory: rootfs, socket dir, bundle and logs go here
 * @param image the image to run
 * @param env environment over the image's own; a {@code null} value removes a variable
 * @param mounts bind mounts besides the socket directory
 * @param limits the container's limits, in force from its first instruction
 * @param hostname the container's hostname
 * @param background whether it runs at the lowest CPU weight until {@link Container#applyLimits} (a
 *     stem cell starting and warming up while functions are served)
 */
public record LaunchSpec(
    String id,
    Path dir,
    LoadedImage image,
    Map<String, String> env,
    List<BindMount> mounts,
    Limits limits,
    String hostname,
    boolean background) {

  public LaunchSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(limits, "limits");
    env =
        env == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.HashMap<>(env));
    mounts = List.copyOf(mounts);
    hostname = hostname == null ? id : hostname;
  }
}
