package dev.kiln.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kiln} command. */
@Command(
    name = "kiln",
    mixinStandardHelpOptions = true,
    versionProvider = Kiln.Version.class,
    description = "Kiln: serverless functions on Linux containers.",
    subcommands = {
      BuildCommand.class,
      ImagesCommand.class,
      HistoryCommand.class,
      PushCommand.class,
      PullCommand.class,
      RmiCommand.class,
      GcCommand.class,
      DeployCommand.class,
      FunctionsCommand.class,
      RollbackCommand.class,
      InvokeCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Kiln implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the CLI and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given output streams and returns the exit status (for tests). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cmd = new CommandLine(new Kiln());
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          // Users get the message, which says what went wrong and what to do; the stack trace
          // is for Kiln's developers and comes with KILN_DEBUG=1.
          commandLine.getErr().println("kiln: error: " + message(ex));
          if (System.getenv("KILN_DEBUG") != null) {
            ex.printStackTrace(commandLine.getErr());
          }
          commandLine.getErr().flush();
          return 1;
        });
    return cmd.execute(args);
  }

  private static String message(Throwable ex) {
    String m = ex.getMessage();
    if (m == null || m.isBlank()) {
      return ex.getClass().getSimpleName();
    }
    return m;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Kiln.class.getPackage().getImplementationVersion();
      return new String[] {"kiln " + (v == null ? "development build" : v)};
    }
  }
}
