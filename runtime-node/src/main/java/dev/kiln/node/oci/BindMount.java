package dev.kiln.node.oci;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A host directory or file bind-mounted into a container ({@code rbind}, {@code nosuid}, {@code
 * nodev}).
 *
 * @param source absolute host path
 * @param destination absolute path inside the container
 * @param readOnly mount read-only (code) or read-write (the socket directory)
 * @param propagation how later mounts under {@code source} reach the container
 */
public record BindMount(
    Path source, String destination, boolean readOnly, Propagation propagation) {

  /** Mount propagation of a bind mount (mount_namespaces(7)). */
  public enum Propagation {
    /** No propagation: what the container sees is fixed at start. */
    PRIVATE("rprivate"),
    /**
     * Mounts made later under the host source appear in the container, not the reverse: how a stem
     * cell receives a function's code after it has started.
     */
    SLAVE("rslave"),
    /** Mounts propagate both ways. */
    SHARED("rshared");

    private final String option;

    Propagation(String option) {
      this.option = option;
    }

    /** The config.json mount option. */
    public String option() {
      return option;
    }
  }

  public BindMount {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(propagation, "propagation");
  }

  /** A read-only, private bind mount, for code directories. */
  public static BindMount readOnly(Path source, String destination) {
    return new BindMount(source, destination, true, Propagation.PRIVATE);
  }

  /** A read-write, private bind mount, for the socket directory {@code /run/kiln}. */
  public static BindMount readWrite(Path source, String destination) {
    return new BindMount(source, destination, false, Propagation.PRIVATE);
  }

  /** This mount with another propagation. */
  public BindMount withPropagation(Propagation value) {
    return new BindMount(source, destination, readOnly, value);
  }
}
