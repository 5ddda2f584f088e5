package dev.kiln.bench;

import dev.kiln.common.http.HttpRequest;
import dev.kiln.common.http.HttpResponse;
import dev.kiln.common.http.UnixHttpClient;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The function image under Docker, from {@code docker run -d} to the runner's first answer over its
 * socket, which a bind-mounted host directory exposes. The container gets what a Kiln container
 * has: no network, a read-only root with a tmpfs {@code /tmp}, the function's memory, CPU and pids
 * limits. The socket is polled every millisecond, as the node polls its own containers' sockets.
 * {@code docker rm -f} afterwards is not timed.
 */
final class DockerStart {
  private static final long POLL_NANOS = 1_000_000;
  private static final long TIMEOUT_NANOS = 30_000_000_000L;

  private final String image;
  private final String label;
  private final Path workDir;
  private final List<String> limits;
  private int sequence;

  /**
   * @param image the image in dockerd
   * @param label {@code name=value}, put on every container so that the script can remove them
   * @param workDir where each container's socket directory is made
   * @param limits {@code docker run} options for the function's limits
   */
  DockerStart(String image, String label, Path workDir, List<String> limits) {
    this.image = image;
    this.label = label;
    this.workDir = workDir;
    this.limits = List.copyOf(limits);
  }

  /** One container to its first answer; returns that time. The container is removed after. */
  long once() throws IOException, InterruptedException {
    String name = "kiln-bench-" + ProcessHandle.current().pid() + "-" + (++sequence);
    Path sockDir = workDir.resolve(name);
    Files.createDirectories(sockDir);
    Path socket = sockDir.resolve("fn.sock");
    List<String> run = new ArrayList<>(List.of("docker", "run", "-d", "--name", name));
    run.addAll(List.of("--label", label, "--network", "none", "--read-only"));
    run.addAll(List.of("--tmpfs", "/tmp", "-v", sockDir + ":/run/kiln"));
    run.addAll(limits);
    run.add(image);
    try {
      long begin = System.nanoTime();
      docker(run);
      awaitSocket(socket, begin);
      try (UnixHttpClient client = UnixHttpClient.of(socket)) {
        HttpResponse response = client.send(HttpRequest.get("/?name=docker"));
        long took = System.nanoTime() - begin;
        if (response.status() != 200) {
          throw new IOException(name + " answered " + response.status());
        }
        return took;
      }
    } finally {
      docker(List.of("docker", "rm", "-f", name));
      Files.deleteIfExists(socket);
      Files.deleteIfExists(sockDir);
    }
  }

  private static void awaitSocket(Path socket, long begin) throws IOException {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
    while (!(Files.exists(socket) && connects(address))) {
      if (System.nanoTime() - begin > TIMEOUT_NANOS) {
        throw new IOException("no runner listened on " + socket + " within 30 s");
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  private static boolean connects(UnixDomainSocketAddress address) {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return channel.connect(address);
    } catch (IOException notYet) {
      return false;
    }
  }

  private static void docker(List<String> command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectInput(Redirect.from(new File("/dev/null")))
            .redirectOutput(Redirect.DISCARD)
            .redirectError(Redirect.PIPE)
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + ": no answer in 60 s");
    }
    if (process.exitValue() != 0) {
      String stderr = new String(process.getErrorStream().readAllBytes());
      throw new IOException(
          String.join(" ", command) + " exited with " + process.exitValue() + ": " + stderr);
    }
  }
}
