package dev.kiln.gateway.boot;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A part a Kiln process plays, chosen with {@code kiln.roles} as Kafka chooses {@code
 * process.roles}: {@code kiln up} takes them all, {@code kiln server} the control plane, {@code
 * kiln node} the runtime node.
 */
public enum Role {
  /** The REST API, persistence and auth: {@code /v1/}. */
  GATEWAY,
  /** Placement of invocations onto nodes. */
  SCHEDULER,
  /** Builds function code into images in the control plane's store. */
  BUILDER,
  /** Runs function containers. */
  NODE,
  /** The built-in OCI registry at {@code /v2/}, serving the control plane's store. */
  REGISTRY,
  /** Every role above. */
  ALL;

  /** The roles of {@code kiln server}: everything but the node. */
  public static final Set<Role> CONTROL_PLANE =
      Set.copyOf(EnumSet.of(GATEWAY, SCHEDULER, BUILDER, REGISTRY));

  /** The concrete roles {@code configured} stands for, with {@link #ALL} expanded. */
  public static Set<Role> expand(Set<Role> configured) {
    if (configured.contains(ALL)) {
      return Set.copyOf(EnumSet.complementOf(EnumSet.of(ALL)));
    }
    return Set.copyOf(configured);
  }

  /**
   * Parses a comma-separated list such as {@code gateway,registry}, for use before the
   * configuration system runs ({@link KilnMain}).
   */
  public static Set<Role> parseList(String value) {
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : value.split(",")) {
      String name = part.strip();
      if (name.isEmpty()) {
        continue;
      }
      try {
        roles.add(valueOf(name.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "kiln.roles: unknown role '"
                + name
                + "' (known: gateway, scheduler, builder, node, registry, all)");
      }
    }
    if (roles.isEmpty()) {
      throw new IllegalArgumentException(
          "kiln.roles is empty: name at least one of gateway, scheduler, builder, node, registry,"
              + " all");
    }
    return expand(roles);
  }

  /** Whether a process with these roles needs the database (every role but a lone node). */
  public static boolean needsDatabase(Set<Role> roles) {
    return !roles.isEmpty() && !Set.of(NODE).containsAll(roles);
  }
}
