package dev.kiln.common;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The language runtimes Kiln builds functions for. */
public enum Runtime {
  /** Java classes compiled against the Kiln Java SDK, run on a jlinked JDK. */
  JAVA,
  /** A {@code handler.py} run by the Kiln Python runner. */
  PYTHON,
  /** A {@code handler.js} run by the Kiln Node.js runner. */
  NODE,
  /** An executable that itself serves the Kiln function protocol. */
  BINARY;

  /** Lowercase name as written in {@code kiln.yaml}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a runtime name, case-insensitively, with a message listing the known ones. */
  public static Runtime parse(String name) {
    for (Runtime r : values()) {
      if (r.id().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "unknown runtime '"
            + name
            + "' (known: "
            + Arrays.stream(values()).map(Runtime::id).collect(Collectors.joining(", "))
            + ")");
  }
}
