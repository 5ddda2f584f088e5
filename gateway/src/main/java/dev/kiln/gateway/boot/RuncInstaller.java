package dev.kiln.gateway.boot;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs runc with apt-get when a node starts without an OCI runtime, if it may: as root, on a
 * machine with apt-get. Otherwise it only says what to run.
 */
public final class RuncInstaller {

  /** The command that installs the runtime. */
  public static final List<String> COMMAND =
      List.of("apt-get", "install", "-y", "--no-install-recommends", "runc");

  private RuncInstaller() {}

  /** What to do about the OCI runtime. */
  public enum Decision {
    /** runc or crun is there. */
    NOTHING_TO_DO,
    /** Missing, and Kiln can install it. */
    INSTALL,
    /** Missing, and the user must install it (not root, or no apt-get). */
    TELL_USER
  }

  /** Decides, from what the machine has, whether to install runc. */
  public static Decision decide(boolean runtimePresent, boolean root, boolean aptGetPresent) {
    if (runtimePresent) {
      return Decision.NOTHING_TO_DO;
    }
    return root && aptGetPresent ? Decision.INSTALL : Decision.TELL_USER;
  }

  /**
   * Runs {@link #COMMAND} (after {@code apt-get update} if the first attempt fails), saying so on
   * {@code out}; returns whether runc was installed.
   */
  public static boolean install(PrintStream out) {
    out.println("kiln: runc is missing; installing it: " + String.join(" ", COMMAND));
    try {
      if (run(COMMAND) == 0) {
        return true;
      }
      out.println("kiln: retrying after apt-get update");
      return run(List.of("apt-get", "update")) == 0 && run(COMMAND) == 0;
    } catch (IOException e) {
      out.println("kiln: could not run apt-get: " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
