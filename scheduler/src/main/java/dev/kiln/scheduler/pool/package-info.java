/**
 * Per-function pools: warm containers, calls in flight, the FIFO queue, scale-up, keep-alive and
 * minScale.
 */
package dev.kiln.scheduler.pool;
