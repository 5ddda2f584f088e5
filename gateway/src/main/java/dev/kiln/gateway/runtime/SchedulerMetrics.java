package dev.kiln.gateway.runtime;

import dev.kiln.common.node.ContainerInfo.ColdStart;
import dev.kiln.scheduler.api.SchedulerListener;
import dev.kiln.scheduler.api.Snapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scheduler's events and snapshots as Prometheus metrics: {@code kiln_cold_starts_total{kind}},
 * {@code kiln_queue_depth{function}}, {@code kiln_containers{function,state}}, {@code
 * kiln_node_capacity_cpu_millis{node}} and {@code kiln_node_capacity_memory_mib{node}}.
 */
@ApplicationScoped
public class SchedulerMetrics implements SchedulerListener {

  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> queueDepths = new ConcurrentHashMap<>();
  private final MultiGauge containers;
  private final MultiGauge nodeCpu;
  private final MultiGauge nodeMemory;

  SchedulerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.containers =
        MultiGauge.builder("kiln.containers")
            .description("Containers of a function, by state (starting, idle, busy)")
            .register(registry);
    this.nodeCpu =
        MultiGauge.builder("kiln.node.capacity.cpu.millis")
            .description("CPU a node offers to containers, in millicores")
            .register(registry);
    this.nodeMemory =
        MultiGauge.builder("kiln.node.capacity.memory.mib")
            .description("Memory a node offers to containers, in MiB")
            .register(registry);
  }

  @Override
  public void coldStart(String function, String nodeId, ColdStart kind, Duration took) {
    Counter.builder("kiln.cold.starts")
        .description("Containers started for invocations, by kind (fresh or stem cell)")
        .tag("kind", kind.name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  @Override
  public void queueDepth(String function, int depth) {
    queueDepths
        .computeIfAbsent(
            function,
            f -> {
              AtomicInteger value = new AtomicInteger();
              Gauge.builder("kiln.queue.depth", value, AtomicInteger::get)
                  .description("Calls waiting for a container of a function")
                  .tag("function", f)
                  .register(registry);
              return value;
            })
        .set(depth);
  }

  /** Updates the gauges that come from the scheduler's tables. */
  void refresh(Snapshot snapshot) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (Snapshot.FunctionState f : snapshot.functions()) {
      rows.add(MultiGauge.Row.of(Tags.of("function", f.name(), "state", "starting"), f.starting()));
      rows.add(MultiGauge.Row.of(Tags.of("function", f.name(), "state", "idle"), f.idle()));
      rows.add(MultiGauge.Row.of(Tags.of("function", f.name(), "state", "busy"), f.busy()));
    }
    containers.register(rows, true);
    nodeCpu.register(
        snapshot.nodes().stream()
            .<MultiGauge.Row<?>>map(
                n -> MultiGauge.Row.of(Tags.of("node", n.nodeId()), n.cpuMillis()))
            .toList(),
        true);
    nodeMemory.register(
        snapshot.nodes().stream()
            .<MultiGauge.Row<?>>map(
                n -> MultiGauge.Row.of(Tags.of("node", n.nodeId()), n.memoryMiB()))
            .toList(),
        true);
  }
}
