package dev.kiln.node.engine;

import dev.kiln.common.http.HttpRequest;
import dev.kiln.common.http.HttpResponse;
import dev.kiln.common.http.UnixHttpClient;
import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.node.cgroup.CgroupException;
import dev.kiln.node.cgroup.Cgroups;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sends one invocation over a container's socket. The warm path is the request write and the
 * response read on the kept connection, plus one clock read; the cgroup and the logs are read only
 * when something went wrong.
 */
final class Invoker {
  static final String INVOCATION_ID = "X-Kiln-Invocation-Id";
  static final String DEADLINE = "X-Kiln-Deadline";

  /** Framing and connection headers of the caller's request, which describe its own hop only. */
  private static final List<String> HOP_BY_HOP =
      List.of(
          "Connection",
          "Keep-Alive",
          "Content-Length",
          "Transfer-Encoding",
          "Upgrade",
          "TE",
          "Trailer",
          "Proxy-Connection",
          "Host");

  private static final int LOG_TAIL = 4096;

  private final Cgroups cgroups;
  private final Consumer<ContainerRecord> stopper;

  /**
   * An invoker.
   *
   * @param stopper stops and removes a container that timed out or died
   */
  Invoker(Cgroups cgroups, Consumer<ContainerRecord> stopper) {
    this.cgroups = cgroups;
    this.stopper = stopper;
  }

  /** Runs the invocation on a container the caller has acquired. */
  InvocationResult invoke(ContainerRecord record, Invocation invocation) {
    long now = System.currentTimeMillis();
    long deadline = invocation.deadline().toEpochMilli();
    if (deadline <= now) {
      return new InvocationResult.Rejected(
          "the deadline of invocation " + invocation.id() + " had passed before it was sent");
    }
    HttpRequest request = request(invocation, deadline);
    long begin = System.nanoTime();
    UnixHttpClient client = record.borrowClient();
    try {
      HttpResponse response = client.send(request, Duration.ofMillis(deadline - now));
      return Results.answered(
          response,
          Duration.ofNanos(System.nanoTime() - begin),
          () -> record.container.logs().stderrTail(LOG_TAIL));
    } catch (SocketTimeoutException e) {
      stopper.accept(record);
      return Results.timedOut(record.spec.limits().timeout(), record.deadlineMessage);
    } catch (IOException e) {
      // The connection broke: the runner is gone, or going. Read the OOM counter before the
      // container is removed (runc delete removes its cgroup).
      boolean oom = outOfMemory(record);
      String tail = record.container.logs().stderrTail(LOG_TAIL);
      stopper.accept(record);
      return Results.runnerGone(oom, record.spec.limits().memoryMiB(), record.memoryMessage, tail);
    } finally {
      record.returnClient(client);
    }
  }

  private boolean outOfMemory(ContainerRecord record) {
    // The kernel counts the kill before the task is gone, but the connection may break a moment
    // before the killed process has been accounted: look twice, briefly.
    for (int i = 0; i < 20; i++) {
      try {
        if (cgroups.stats(record.id()).oomKills() > 0) {
          return true;
        }
        if (!record.container.alive()) {
          return false;
        }
      } catch (CgroupException gone) {
        return false;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  static HttpRequest request(Invocation invocation, long deadline) {
    Map<String, List<String>> headers = new HashMap<>(invocation.headers().size() + 4);
    headers.putAll(invocation.headers());
    for (String name : HOP_BY_HOP) {
      if (invocation.headers().containsKey(name)) {
        headers.keySet().removeIf(name::equalsIgnoreCase);
      }
    }
    headers.put(INVOCATION_ID, List.of(invocation.id()));
    headers.put(DEADLINE, List.of(Long.toString(deadline)));
    String target =
        invocation.query().isEmpty()
            ? invocation.path()
            : invocation.path() + "?" + invocation.query();
    return new HttpRequest(invocation.method(), target, headers, invocation.body());
  }
}
