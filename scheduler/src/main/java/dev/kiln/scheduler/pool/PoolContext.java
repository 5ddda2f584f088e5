package dev.kiln.scheduler.pool;

import dev.kiln.scheduler.api.SchedulerConfig;
import dev.kiln.scheduler.api.SchedulerListener;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * What every pool shares.
 *
 * @param starts runs container starts for scale-up and minScale: a small fixed pool
 * @param calls runs node calls (invoke, stop) so that callers can stop waiting at their deadline or
 *     when a node is lost, whatever the node does
 */
record PoolContext(
    Clock clock,
    SchedulerConfig config,
    SchedulerListener listener,
    ContainerStarter starter,
    Executor starts,
    Executor calls) {}
