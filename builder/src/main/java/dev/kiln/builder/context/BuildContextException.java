package dev.kiln.builder.context;

import java.nio.file.Path;

/** A build context holds something Kiln will not put into an image. */
public final class BuildContextException extends IllegalArgumentException {
  private final transient Path context;
  private final String entry;

  /** An error about {@code entry} (relative path) in the context at {@code context}. */
  public BuildContextException(Path context, String entry, String problem) {
    super(
        entry.isEmpty()
            ? "build context " + context + " " + problem
            : "build context " + context + ": '" + entry + "' " + problem);
    this.context = context;
    this.entry = entry;
  }

  /** The context directory. */
  public Path context() {
    return context;
  }

  /** The offending entry, relative to the context. */
  public String entry() {
    return entry;
  }
}
