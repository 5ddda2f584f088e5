package dev.kiln.builder.spec;

/**
 * A {@code kiln.yaml} that cannot be turned into a function spec. The message names the file and,
 * where there is one, the offending field, and says what was expected: {@code kiln.yaml: memory:
 * expected a size in MiB such as 128 or "256Mi", got "lots"}.
 */
public class SpecException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final String field;

  /**
   * @param source the file name shown to the user, e.g. {@code kiln.yaml}
   * @param field the top-level field at fault, or {@code null} when the problem is the whole file
   * @param problem what is wrong, without the file and field prefix
   */
  public SpecException(String source, String field, String problem) {
    this(source, field, problem, null);
  }

  /** As {@link #SpecException(String, String, String)}, keeping the underlying cause. */
  public SpecException(String source, String field, String problem, Throwable cause) {
    super(source + ": " + (field == null ? "" : field + ": ") + problem, cause);
    this.source = source;
    this.field = field;
  }

  /** The file name shown to the user, e.g. {@code kiln.yaml}. */
  public String source() {
    return source;
  }

  /** The top-level field at fault, or {@code null} when the problem concerns the whole file. */
  public String field() {
    return field;
  }
}
