package dev.kiln.bench;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The baseline of the launch measurement: {@code runc run} in the foreground of a bundle made by
 * {@code runc spec} around a plain, unpacked copy of the image's root filesystem. runc creates the
 * container, waits for its process and deletes the container and its cgroup before it exits.
 */
final class RawRunc {
  private final Path runc;
  private final Path bundle;
  private final Path stateRoot;
  private int sequence;

  /**
   * @param bundle a directory with {@code config.json} (process and root set) and the rootfs
   * @param stateRoot runc's {@code --root} for these containers
   */
  RawRunc(Path runc, Path bundle, Path stateRoot) throws IOException {
    this.runc = runc;
    this.bundle = bundle;
    this.stateRoot = stateRoot;
    Files.createDirectories(stateRoot);
  }

  /** One container run to its end; returns the wall time of the {@code runc run} command. */
  long once() throws IOException, InterruptedException {
    String id = "kiln-bench-raw-" + ProcessHandle.current().pid() + "-" + (++sequence);
    List<String> command =
        List.of(
            runc.toString(),
            "--root",
            stateRoot.toString(),
            "run",
            "--bundle",
            bundle.toString(),
            id);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectInput(Redirect.from(new File("/dev/null")))
            .redirectOutput(Redirect.DISCARD)
            .redirectError(Redirect.PIPE);
    long begin = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("runc run " + id + " did not end in 30 s");
    }
    long took = System.nanoTime() - begin;
    if (process.exitValue() != 0) {
      String stderr = new String(process.getErrorStream().readAllBytes());
      throw new IOException(
          "runc run " + id + " exited with " + process.exitValue() + ": " + stderr.strip());
    }
    return took;
  }
}
