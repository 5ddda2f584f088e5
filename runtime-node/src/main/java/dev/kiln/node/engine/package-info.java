/**
 * The node engine: {@link dev.kiln.node.engine.NodeEngine} implements the scheduler's {@link
 * dev.kiln.common.node.NodeApi} on this machine, from a {@link dev.kiln.node.engine.NodeConfig}. It
 * makes images ready ({@code ImageLoader}), starts containers fresh or from stem cells, forwards
 * invocations over each container's socket ({@code Invoker}, results mapped by {@code Results}),
 * keeps their logs, and on start cleans up what a crashed node left behind ({@code Reconciler}).
 */
package dev.kiln.node.engine;
