/** Registered runtime nodes, their heartbeats, and what the scheduler knows of each. */
package dev.kiln.scheduler.node;
