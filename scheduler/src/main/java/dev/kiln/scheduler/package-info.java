/**
 * Places invocations on warm containers across runtime nodes. {@link dev.kiln.scheduler.Scheduler}
 * is the entry point; its values live in {@code dev.kiln.scheduler.api}. The feature packages
 * ({@code node}, {@code placement}, {@code pool}) are internal.
 */
package dev.kiln.scheduler;
