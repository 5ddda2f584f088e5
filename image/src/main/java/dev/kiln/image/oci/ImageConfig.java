package dev.kiln.image.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.common.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The image configuration blob: how to run the image, its layers' diff IDs, and its history (one
 * entry per build instruction, {@code empty_layer} for those that changed only metadata).
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/main/config.md">OCI image
 *     configuration</a>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageConfig(
    String created,
    String architecture,
    String os,
    RunConfig config,
    RootFs rootfs,
    List<History> history) {

  /**
   * Kiln stamps every image with the Unix epoch so that the same input always gives the same
   * digest; the real build time lives outside the image.
   */
  public static final String EPOCH = "1970-01-01T00:00:00Z";

  public ImageConfig {
    history = history == null ? List.of() : List.copyOf(history);
    if (config == null) {
      config = RunConfig.EMPTY;
    }
    if (rootfs == null) {
      rootfs = new RootFs("layers", List.of());
    }
  }

  /** An empty linux/amd64 config, the start of every build. */
  public static ImageConfig empty() {
    return new ImageConfig(EPOCH, "amd64", "linux", RunConfig.EMPTY, null, List.of());
  }

  /** This config with one more layer and its history entry. */
  public ImageConfig withLayer(Digest diffId, String createdBy, String comment) {
    List<String> ids = new ArrayList<>(rootfs.diffIds());
    ids.add(diffId.toString());
    List<History> h = new ArrayList<>(history);
    h.add(new History(EPOCH, createdBy, comment, null));
    return new ImageConfig(created, architecture, os, config, new RootFs("layers", ids), h);
  }

  /** This config with a history entry for a step that changed no files. */
  public ImageConfig withEmptyLayer(String createdBy, RunConfig newConfig) {
    List<History> h = new ArrayList<>(history);
    h.add(new History(EPOCH, createdBy, null, Boolean.TRUE));
    return new ImageConfig(created, architecture, os, newConfig, rootfs, h);
  }

  /** This config with another run configuration, no history entry. */
  public ImageConfig withRunConfig(RunConfig newConfig) {
    return new ImageConfig(created, architecture, os, newConfig, rootfs, history);
  }

  /** The layer diff IDs, base first. */
  public List<Digest> diffIds() {
    return rootfs.diffIds().stream().map(Digest::parse).toList();
  }

  /** The {@code rootfs} section. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RootFs(String type, @JsonProperty("diff_ids") List<String> diffIds) {
    public RootFs {
      diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
    }
  }

  /** One {@code history} entry. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record History(
      String created,
      @JsonProperty("created_by") String createdBy,
      String comment,
      @JsonProperty("empty_layer") Boolean emptyLayer) {

    /** Whether this step left no layer. */
    public boolean isEmptyLayer() {
      return Boolean.TRUE.equals(emptyLayer);
    }
  }

  /** The {@code config} section: how a container of the image runs. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RunConfig(
      @JsonProperty("User") String user,
      @JsonProperty("ExposedPorts") Map<String, Map<String, Object>> exposedPorts,
      @JsonProperty("Env") List<String> env,
      @JsonProperty("Entrypoint") List<String> entrypoint,
      @JsonProperty("Cmd") List<String> cmd,
      @JsonProperty("WorkingDir") String workingDir,
      @JsonProperty("Labels") Map<String, String> labels) {

    /** Nothing set. */
    public static final RunConfig EMPTY = new RunConfig(null, null, null, null, null, null, null);

    public RunConfig {
      exposedPorts = exposedPorts == null ? Map.of() : new TreeMap<>(exposedPorts);
      env = env == null ? List.of() : List.copyOf(env);
      entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
      cmd = cmd == null ? null : List.copyOf(cmd);
      labels =
          labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    /** With an environment variable set (replacing an earlier value of the same name). */
    public RunConfig withEnv(String name, String value) {
      List<String> e = new ArrayList<>();
      for (String entry : env) {
        if (!entry.startsWith(name + "=")) {
          e.add(entry);
        }
      }
      e.add(name + "=" + value);
      return new RunConfig(user, exposedPorts, e, entrypoint, cmd, workingDir, labels);
    }

    /** With a label set. */
    public RunConfig withLabel(String name, String value) {
      Map<String, String> l = new TreeMap<>(labels);
      l.put(name, value);
      return new RunConfig(user, exposedPorts, env, entrypoint, cmd, workingDir, l);
    }

    /** With an exposed port such as {@code 8080/tcp}. */
    public RunConfig withExposedPort(String port) {
      Map<String, Map<String, Object>> p = new TreeMap<>(exposedPorts);
      p.put(port, Map.of());
      return new RunConfig(user, p, env, entrypoint, cmd, workingDir, labels);
    }

    /** With the entrypoint replaced; like Docker, this clears an inherited CMD. */
    public RunConfig withEntrypoint(List<String> value) {
      return new RunConfig(user, exposedPorts, env, value, null, workingDir, labels);
    }

    /** With the command replaced. */
    public RunConfig withCmd(List<String> value) {
      return new RunConfig(user, exposedPorts, env, entrypoint, value, workingDir, labels);
    }

    /** With the working directory replaced. */
    public RunConfig withWorkingDir(String value) {
      return new RunConfig(user, exposedPorts, env, entrypoint, cmd, value, labels);
    }

    /** With the user replaced. */
    public RunConfig withUser(String value) {
      return new RunConfig(value, exposedPorts, env, entrypoint, cmd, workingDir, labels);
    }
  }
}
