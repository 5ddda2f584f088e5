package dev.kiln.image.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the external tools integration tests compare Kiln against (skopeo, umoci, docker). A missing
 * tool skips the test with the reason, except under CI ({@code CI=true}), where {@code .ci/run}
 * installs every tool and a missing one is a failure.
 */
public final class Tools {

  private Tools() {}

  /** Requires an executable on the PATH. */
  public static void require(String tool, String why) {
    boolean present =
        List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")).stream()
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    require(present, tool + " is not installed (" + why + "); .ci/run installs it");
  }

  /** Requires root (overlay mounts, chroot, cgroups). */
  public static void requireRoot(String why) {
    require("root".equals(System.getProperty("user.name")), "needs root (" + why + ")");
  }

  /**
   * Skips the test, saying {@code reason}, when {@code met} is false; fails it instead under {@code
   * CI=true}, where .ci/run has prepared everything an integration test needs and a skip would hide
   * a test that did not run. Every module's host checks end here.
   */
  public static void require(boolean met, String reason) {
    if (met) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI=true, so this test must run, not skip: " + reason);
    }
    Assumptions.abort(reason);
  }

  /** A free TCP port on the loopback interface (for a server a test starts). */
  public static int freePort() throws IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The result of a command. */
  public record Result(int exit, String out, String err) {
    /** Asserts success and returns stdout. */
    public String ok() {
      assertThat(exit).as("exit status; stderr: %s", err).isZero();
      return out;
    }
  }

  /** Runs a command, waiting at most two minutes. */
  public static Result run(String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("kiln-tool", ".out");
    Path err = Files.createTempFile("kiln-tool", ".err");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in 2 minutes");
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
