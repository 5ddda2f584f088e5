package echo.lib;

/** Lives in lib/lines.jar, to show that the runner puts jars from lib/ on the class path. */
public final class Lines {
  private Lines() {}

  public static String join(String... lines) {
    return String.join("\n", lines);
  }
}
