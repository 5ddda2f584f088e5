package dev.kiln.gateway.builds;

import dev.kiln.gateway.problem.ApiException;

/** A function archive Kiln refuses to unpack; the message names the entry and the reason. */
public final class ArchiveException extends ApiException {

  private static final long serialVersionUID = 1L;

  /** An archive problem about {@code entry} (may be null for the archive as a whole). */
  public ArchiveException(String entry, String problem) {
    super(
        400,
        "bad-archive",
        "Unacceptable function archive",
        entry == null
            ? "function archive: " + problem
            : "function archive: '" + entry + "' " + problem);
  }
}
