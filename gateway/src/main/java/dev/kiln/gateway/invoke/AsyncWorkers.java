package dev.kiln.gateway.invoke;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.concurrent.DaemonThreads;
import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.gateway.boot.KilnConfig;
import dev.kiln.gateway.boot.Role;
import dev.kiln.gateway.functions.Functions;
import dev.kiln.gateway.problem.ApiException;
import dev.kiln.gateway.runtime.SchedulerWiring;
import dev.kiln.scheduler.api.SchedulerException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Runs queued invocations: {@code kiln.async.workers} threads claim rows of {@code invocations}
 * under a lease this process renews while they run. A failure (function error, timeout, out of
 * memory, a node's failure) is retried after 1 s, 2 s, 4 s, ... (capped at {@code
 * kiln.async.max-backoff}) until {@code max_attempts}; then the invocation fails with its last
 * error kept. Its result is POSTed to its callback URL, if it has one. Also publishes {@code
 * kiln_async_pending}.
 */
@ApplicationScoped
public class AsyncWorkers {

  private static final Logger LOG = Logger.getLogger(AsyncWorkers.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AsyncQueue queue;
  private final FunctionCalls calls;
  private final Functions functions;
  private final KilnConfig.Async settings;
  private final boolean enabled;
  private final String owner = "kiln-" + UUID.randomUUID().toString().substring(0, 8);
  private final AtomicLong pending = new AtomicLong();
  private final HttpClient http;
  private final List<Thread> threads = new ArrayList<>();
  private ScheduledExecutorService keeper;
  private volatile boolean running;

  AsyncWorkers(
      AsyncQueue queue,
      FunctionCalls calls,
      Functions functions,
      KilnConfig config,
      MeterRegistry registry) {
    this.queue = queue;
    this.calls = calls;
    this.functions = functions;
    this.settings = config.async();
    this.enabled = Role.expand(config.roles()).contains(Role.SCHEDULER);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.callbackTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    Gauge.builder("kiln.async.pending", pending, AtomicLong::get)
        .description("Asynchronous invocations queued or running")
        .register(registry);
  }

  /** Starts after the scheduler and node, so the first claims find somewhere to run. */
  void onStart(@Observes @Priority(SchedulerWiring.STARTUP_PRIORITY + 10) StartupEvent event) {
    if (!enabled || settings.workers() < 1) {
      return;
    }
    running = true;
    for (int i = 0; i < settings.workers(); i++) {
      Thread t = new Thread(this::work, "kiln-async-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    keeper = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("kiln-async-lease"));
    long every = Math.max(100, settings.lease().toMillis() / 3);
    keeper.scheduleWithFixedDelay(this::renew, 0, every, TimeUnit.MILLISECONDS);
    LOG.infof("%d async worker(s) started as %s", settings.workers(), owner);
  }

  /** Stops claiming before the scheduler closes; running invocations are left to their lease. */
  void onStop(@Observes @Priority(SchedulerWiring.STARTUP_PRIORITY - 10) ShutdownEvent event) {
    running = false;
    threads.forEach(Thread::interrupt);
    if (keeper != null) {
      keeper.shutdownNow();
    }
  }

  private void renew() {
    try {
      queue.renew(owner, settings.lease());
      pending.set(queue.pending());
    } catch (RuntimeException e) {
      LOG.warnf("Renewing async leases failed: %s", e.getMessage());
    }
  }

  private void work() {
    while (running) {
      try {
        List<QueuedInvocation> claimed = queue.claim(owner, 1, settings.lease());
        if (claimed.isEmpty()) {
          Thread.sleep(settings.pollInterval().toMillis());
          continue;
        }
        for (QueuedInvocation q : claimed) {
          run(q);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warnf(e, "Async worker failed; continuing");
        try {
          Thread.sleep(1000);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  private void run(QueuedInvocation q) {
    if (q.attempts() > q.maxAttempts()) {
      // Claimed again after its process stopped during the last attempt.
      finish(
          q,
          queue.fail(
              q.id(),
              owner,
              lastError(q, "the process running attempt " + q.maxAttempts() + " stopped"),
              null,
              null,
              null));
      return;
    }
    String error;
    InvocationResult result = null;
    try {
      Functions.Invocable fn = functions.invocable(q.function());
      Invocation invocation =
          HttpCall.invocation(
              q.id().toString(),
              q.method(),
              q.path(),
              q.query(),
              q.headers(),
              q.body(),
              fn.target().spec().limits().timeout());
      result = calls.call(q.function(), fn.target().version(), invocation, "async").result();
      if (result instanceof InvocationResult.Ok ok) {
        finish(q, queue.succeed(q.id(), owner, ok.status(), ok.headers(), ok.body()));
        return;
      }
      error = describe(q.function(), fn.target().spec().limits().timeout(), result);
    } catch (SchedulerException e) {
      error = e.getMessage();
    } catch (ApiException e) {
      // The function was deleted: no attempt can succeed.
      finish(q, queue.fail(q.id(), owner, e.problem().detail(), null, null, null));
      return;
    }
    if (q.attempts() >= q.maxAttempts()) {
      InvocationResult.FunctionError fe =
          result instanceof InvocationResult.FunctionError f ? f : null;
      finish(
          q,
          queue.fail(
              q.id(),
              owner,
              "attempt " + q.attempts() + " of " + q.maxAttempts() + ": " + error,
              fe == null ? null : FunctionCalls.status(fe),
              fe == null ? null : fe.headers(),
              fe == null ? null : fe.body()));
    } else {
      queue.retry(
          q.id(),
          owner,
          "attempt " + q.attempts() + " of " + q.maxAttempts() + ": " + error,
          backoff(q.attempts()));
    }
  }

  /** 1 s after the first attempt, doubling, at most {@code kiln.async.max-backoff}. */
  Duration backoff(int attempts) {
    long millis = 1000L << Math.min(20, Math.max(0, attempts - 1));
    return Duration.ofMillis(Math.min(millis, settings.maxBackoff().toMillis()));
  }

  private static String lastError(QueuedInvocation q, String what) {
    return q.error() == null ? what : what + "; before: " + q.error();
  }

  static String describe(String function, Duration timeout, InvocationResult result) {
    if (result instanceof InvocationResult.Ok) {
      return "ok";
    } else if (result instanceof InvocationResult.FunctionError e) {
      return "function '"
          + function
          + "' failed with "
          + FunctionCalls.status(e)
          + (e.message() == null ? "" : ": " + e.message())
          + (e.body() == null || e.body().length == 0
              ? ""
              : " (body: "
                  + abbreviate(new String(e.body(), java.nio.charset.StandardCharsets.UTF_8))
                  + ")");
    } else if (result instanceof InvocationResult.Timeout) {
      return "function '" + function + "' exceeded its deadline of " + timeout.toSeconds() + "s";
    } else if (result instanceof InvocationResult.OutOfMemory o) {
      return o.message();
    }
    return "the node did not run it: " + ((InvocationResult.Rejected) result).reason();
  }

  private static String abbreviate(String s) {
    return s.length() <= 500 ? s : s.substring(0, 500) + "...";
  }

  private void finish(QueuedInvocation q, boolean recorded) {
    if (!recorded || q.callbackUrl() == null) {
      return;
    }
    queue.find(q.id()).ifPresent(this::callback);
  }

  private void callback(QueuedInvocation q) {
    String outcome;
    try {
      ObjectNode body = AsyncResource.view(q);
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(URI.create(q.callbackUrl()))
                  .timeout(settings.callbackTimeout())
                  .header("Content-Type", "application/json")
                  .header(InvokeResource.INVOCATION_ID, q.id().toString())
                  .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      outcome = "delivered: HTTP " + r.statusCode() + " at " + Instant.now();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = "not delivered: interrupted";
    } catch (Exception e) {
      outcome = "not delivered: " + e;
    }
    queue.callbackDone(q.id(), outcome);
  }
}
