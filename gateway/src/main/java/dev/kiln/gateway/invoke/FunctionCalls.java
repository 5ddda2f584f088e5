package dev.kiln.gateway.invoke;

import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import dev.kiln.gateway.functions.FunctionChanged;
import dev.kiln.scheduler.Scheduler;
import dev.kiln.scheduler.api.Served;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Duration;
import java.time.Instant;

/**
 * Sends invocations to the scheduler and counts them: {@code kiln_invocations_total{function,
 * outcome}}, the {@code kiln_invocation_seconds{function}} histogram, and the in-memory {@link
 * RecentInvocations}. Both the sync and the async paths go through here.
 */
@ApplicationScoped
public class FunctionCalls {

  private final Scheduler scheduler;
  private final MeterRegistry registry;
  private final RecentInvocations recent;

  FunctionCalls(Scheduler scheduler, MeterRegistry registry, RecentInvocations recent) {
    this.scheduler = scheduler;
    this.registry = registry;
    this.recent = recent;
  }

  /**
   * Runs {@code invocation} of version {@code version} of {@code function}.
   *
   * @throws dev.kiln.scheduler.api.SchedulerException when the scheduler refuses or fails the call
   */
  public Served call(String function, int version, Invocation invocation, String mode) {
    Instant start = Instant.now();
    long t0 = System.nanoTime();
    try {
      Served served = scheduler.serve(function, invocation);
      InvocationResult result = served.result();
      record(
          function,
          version,
          invocation,
          mode,
          start,
          t0,
          Outcome.of(result),
          status(result),
          served.start());
      return served;
    } catch (RuntimeException e) {
      int status = e instanceof dev.kiln.scheduler.api.SchedulerException s ? s.status() : 500;
      record(function, version, invocation, mode, start, t0, Outcome.of(e), status, null);
      throw e;
    }
  }

  /** The status the caller sees for {@code result}. */
  static int status(InvocationResult result) {
    if (result instanceof InvocationResult.Ok ok) {
      return ok.status();
    } else if (result instanceof InvocationResult.FunctionError e) {
      return e.status() >= 400 ? e.status() : 500;
    } else if (result instanceof InvocationResult.Timeout) {
      return 504;
    } else if (result instanceof InvocationResult.OutOfMemory) {
      return 502;
    }
    return 503;
  }

  void forget(@Observes(during = TransactionPhase.AFTER_SUCCESS) FunctionChanged change) {
    if (change.target() == null) {
      recent.forget(change.name());
    }
  }

  private void record(
      String function,
      int version,
      Invocation invocation,
      String mode,
      Instant start,
      long t0,
      Outcome outcome,
      int status,
      String startKind) {
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    Counter.builder("kiln.invocations")
        .description("Invocations, by function and outcome")
        .tag("function", function)
        .tag("outcome", outcome.label())
        .register(registry)
        .increment();
    Timer.builder("kiln.invocation")
        .description("How long invocations take, queueing and cold starts included")
        .tag("function", function)
        .publishPercentileHistogram()
        .register(registry)
        .record(took);
    recent.add(
        function,
        new RecentInvocations.Record(
            invocation.id(),
            version,
            mode,
            start,
            took.toMillis(),
            startKind,
            outcome.label(),
            status));
  }
}
