package dev.kiln.scheduler;

import static dev.kiln.scheduler.Fixtures.call;

import dev.kiln.common.node.InvocationResult;
import dev.kiln.scheduler.api.SchedulerConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/** A scheduler on a manual clock, and threads to make calls from. */
abstract class SchedulerTestBase {
  static final Duration LONG = Duration.ofSeconds(30);

  final ManualClock clock = new ManualClock();
  final Fixtures.Events events = new Fixtures.Events();
  final ExecutorService callers = Executors.newCachedThreadPool();
  Scheduler scheduler = Scheduler.create(config(), events, clock);

  SchedulerConfig config() {
    return SchedulerConfig.DEFAULT;
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    scheduler.close();
    callers.shutdownNow();
    callers.awaitTermination(10, TimeUnit.SECONDS);
  }

  final List<FakeNode> alive = new CopyOnWriteArrayList<>();

  FakeNode register(FakeNode node) {
    scheduler.registerNode(node.id, node);
    alive.add(node);
    return node;
  }

  /** Moves the clock; every node in {@link #alive} heartbeats; maintenance runs. */
  void tick(Duration d) {
    clock.advance(d);
    for (FakeNode node : alive) {
      scheduler.heartbeat(node.id, node.info());
    }
    scheduler.runMaintenance();
  }

  /** A call of {@code function} from another thread, with a 30 s deadline. */
  Future<InvocationResult> callAsync(String function) {
    return callers.submit(() -> scheduler.invoke(function, call(clock, LONG)));
  }

  InvocationResult callNow(String function) {
    return scheduler.invoke(function, call(clock, LONG));
  }

  static <T> T get(Future<T> future) throws Exception {
    // Generous: only a hang takes this long.
    return future.get(10, TimeUnit.SECONDS);
  }
}
