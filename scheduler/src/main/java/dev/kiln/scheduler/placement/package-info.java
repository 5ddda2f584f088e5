/** Chooses the node for a new container. */
package dev.kiln.scheduler.placement;
