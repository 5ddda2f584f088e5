package dev.kiln.builder.base;

import dev.kiln.common.Runtime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a host tool (ldd, jlink, an interpreter) and captures what it prints. */
final class HostCommand {

  /** What a finished command printed. */
  record Result(int exitCode, String stdout, String stderr) {}

  private static final long TIMEOUT_SECONDS = 300;

  private HostCommand() {}

  /** Runs {@code command}; a non-zero exit is returned, not thrown. */
  static Result run(Runtime runtime, List<String> command) throws IOException {
    return run(runtime, command, Map.of());
  }

  /** Runs {@code command} with extra environment variables; a non-zero exit is returned. */
  static Result run(Runtime runtime, List<String> command, Map<String, String> env)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Path stderrFile = Files.createTempFile("kiln-base-", ".stderr");
    pb.redirectError(stderrFile.toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      Files.deleteIfExists(stderrFile);
      throw new BaseBuildException(
          runtime, "could not start " + command.get(0) + ": " + e.getMessage(), e);
    }
    try (InputStream in = p.getInputStream()) {
      // Read before waiting: a full pipe would block the child.
      String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new BaseBuildException(
            runtime, String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      String err = Files.readString(stderrFile, StandardCharsets.UTF_8);
      return new Result(p.exitValue(), out, err);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new BaseBuildException(runtime, "interrupted running " + command.get(0), e);
    } finally {
      Files.deleteIfExists(stderrFile);
    }
  }

  /** Runs {@code command} and returns its standard output, failing on a non-zero exit. */
  static String output(Runtime runtime, List<String> command) throws IOException {
    Result r = run(runtime, command);
    if (r.exitCode() != 0) {
      throw new BaseBuildException(
          runtime,
          String.join(" ", command)
              + " failed with exit code "
              + r.exitCode()
              + ": "
              + r.stderr().strip());
    }
    return r.stdout();
  }
}
