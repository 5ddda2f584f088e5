package dev.kiln.builder.kilnfile;

/**
 * A Kilnfile that cannot be built. The message starts with the line of the instruction at fault,
 * {@code Kilnfile line 4: COPY source '../x' is outside the build context}, and says what to do.
 */
public class KilnfileException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final int line;
  private final String problem;

  /**
   * @param line 1-based line where the instruction starts
   * @param problem what is wrong, without the line prefix
   */
  public KilnfileException(int line, String problem) {
    this(line, problem, null);
  }

  /** As {@link #KilnfileException(int, String)}, keeping the underlying cause. */
  public KilnfileException(int line, String problem, Throwable cause) {
    super("Kilnfile line " + line + ": " + problem, cause);
    this.line = line;
    this.problem = problem;
  }

  /** The 1-based line where the offending instruction starts. */
  public int line() {
    return line;
  }

  /** The message without the {@code Kilnfile line N: } prefix. */
  public String problem() {
    return problem;
  }
}
