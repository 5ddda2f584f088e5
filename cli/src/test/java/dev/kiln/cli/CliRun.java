package dev.kiln.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the kiln CLI in-process and captures what a user would see. */
record CliRun(int exit, String out, String err) {

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Kiln.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliRun(exit, out.toString(), err.toString());
  }

  /** The output, asserting the command succeeded. */
  String ok() {
    if (exit != 0) {
      throw new AssertionError("kiln exited " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err);
    }
    return out;
  }
}
