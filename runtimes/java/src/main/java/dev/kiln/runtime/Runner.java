package dev.kiln.runtime;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Kiln Java runner: serves the Kiln function protocol ({@code docs/protocol.md}) on a Unix
 * socket and calls a {@link dev.kiln.fn.Handler} for every invocation.
 *
 * <p>Run it as {@code java -cp kiln-runtime-java.jar dev.kiln.runtime.Runner} (or {@code java
 * -jar}) with {@code KILN_SOCKET}, and optionally {@code KILN_HANDLER}, {@code KILN_CODE_DIR} and
 * {@code KILN_MAX_BODY} in the environment.
 */
public final class Runner {

  private Runner() {}

  /**
   * Starts the runner and serves until the process is stopped.
   *
   * @param args ignored; the runner is configured through the environment
   */
  public static void main(String[] args) {
    RunnerConfig config;
    try {
      config = RunnerConfig.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("kiln-runner: " + e.getMessage());
      System.exit(2);
      return;
    }
    Dispatcher dispatcher = new Dispatcher(config.codeDir());
    if (config.handler() != null) {
      try {
        dispatcher.specialise(new InitRequest(config.handler(), config.codeDir(), Map.of()));
      } catch (InitException e) {
        System.err.println("kiln-runner: cannot load handler from KILN_HANDLER: " + e.getMessage());
        if (e.getCause() != null) {
          e.getCause().printStackTrace();
        }
        System.exit(1);
        return;
      }
    }
    try {
      serve(config, dispatcher);
    } catch (IOException e) {
      System.err.println("kiln-runner: cannot serve on " + config.socket() + ": " + e);
      System.exit(1);
    }
  }

  private static void serve(RunnerConfig config, Dispatcher dispatcher) throws IOException {
    Path socket = config.socket();
    if (socket.getParent() != null) {
      Files.createDirectories(socket.getParent());
    }
    // A socket file left by an earlier runner would make bind fail with "Address already in use".
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Files.deleteIfExists(socket);
                  } catch (IOException e) {
                    // The process is ending; a stale file is removed by the next runner.
                  }
                }));
    System.out.println("kiln-runner ready " + socket);
    System.out.flush();
    ExecutorService connections = Executors.newCachedThreadPool(daemonThreads());
    while (true) {
      SocketChannel channel = server.accept();
      connections.execute(new Connection(channel, dispatcher, config.maxBody()));
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "kiln-connection-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
