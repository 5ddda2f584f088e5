/**
 * The contract between the scheduler and runtime nodes: {@link dev.kiln.common.node.NodeApi} and
 * the values it exchanges.
 */
package dev.kiln.common.node;
