/**
 * The scheduler's public values: what to deploy ({@link dev.kiln.scheduler.api.FunctionTarget},
 * {@link dev.kiln.scheduler.api.ScalingPolicy}), its settings, its events and snapshots, and the
 * failures an invocation can end with. The entry point is the module's {@code Scheduler}.
 */
package dev.kiln.scheduler.api;
