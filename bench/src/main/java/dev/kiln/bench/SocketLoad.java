package dev.kiln.bench;

import dev.kiln.common.http.HttpRequest;
import dev.kiln.common.http.HttpResponse;
import dev.kiln.common.http.UnixHttpClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed-loop load on a runner's Unix socket, the direct path that {@code bench/gateway.sh} sets
 * against wrk through the gateway ({@code wrk} speaks no Unix sockets). Each of N threads keeps one
 * keep-alive connection ({@link UnixHttpClient}) and sends the next request when the last one is
 * answered, as a wrk connection does; the requests carry what the node sends (the target and Kiln's
 * two headers). Calls in the warm-up are not recorded.
 *
 * <p>Usage: {@code SocketLoad SOCKET THREADS SECONDS [WARMUP_SECONDS [TARGET]]}. Prints one line:
 * {@code requests=N errors=N rps=X p50_ms=X p99_ms=X}.
 */
public final class SocketLoad {
  private SocketLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: SocketLoad SOCKET THREADS SECONDS [WARMUP_SECONDS [TARGET]]");
      System.exit(2);
    }
    Path socket = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    double seconds = Double.parseDouble(args[2]);
    double warmupSeconds = args.length > 3 ? Double.parseDouble(args[3]) : 2;
    String target = args.length > 4 ? args[4] : "/";

    long start = System.nanoTime();
    long measureFrom = start + (long) (warmupSeconds * 1e9);
    long end = measureFrom + (long) (seconds * 1e9);
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Worker w = new Worker(socket, target, "load-" + t, measureFrom, end);
      workers.add(w);
      w.thread.start();
    }
    long total = 0;
    long errors = 0;
    for (Worker w : workers) {
      w.thread.join();
      if (w.failure.get() != null) {
        throw new IllegalStateException("a load thread failed", w.failure.get());
      }
      total += w.count;
      errors += w.errors;
    }
    long[] all = new long[(int) total];
    int at = 0;
    for (Worker w : workers) {
      System.arraycopy(w.nanos, 0, all, at, w.count);
      at += w.count;
    }
    Samples samples = new Samples("direct", all);
    System.out.printf(
        Locale.ROOT,
        "requests=%d errors=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f%n",
        total,
        errors,
        total / seconds,
        samples.p50Ms(),
        samples.p99Ms());
  }

  private static final class Worker {
    final Thread thread;
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] nanos = new long[1 << 16];
    int count;
    long errors;

    Worker(Path socket, String target, String name, long measureFrom, long end) {
      this.thread =
          new Thread(
              () -> {
                try (UnixHttpClient client = UnixHttpClient.of(socket)) {
                  long sequence = 0;
                  while (true) {
                    long deadline = Instant.now().plusSeconds(30).toEpochMilli();
                    HttpRequest request =
                        HttpRequest.get(target)
                            .header("X-Kiln-Invocation-Id", name + "-" + (++sequence))
                            .header("X-Kiln-Deadline", Long.toString(deadline));
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                      break;
                    }
                    HttpResponse response = client.send(request);
                    long t1 = System.nanoTime();
                    if (t0 < measureFrom || t1 > end) {
                      continue;
                    }
                    if (response.status() != 200) {
                      errors++;
                    }
                    if (count == nanos.length) {
                      nanos = Arrays.copyOf(nanos, nanos.length * 2);
                    }
                    nanos[count++] = t1 - t0;
                  }
                } catch (Throwable e) {
                  failure.set(e);
                }
              },
              name);
    }
  }
}
