/**
 * Launching one function container from an image: overlay root filesystem from cached layers,
 * socket directory, OCI bundle, detached run with output to log files, and the wait until the
 * runner answers on its socket. Used for fresh containers and for stem cells alike.
 */
package dev.kiln.node.launch;
