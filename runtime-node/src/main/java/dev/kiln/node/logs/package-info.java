/**
 * Container output: each container's stdout and stderr go to files in its directory ({@link
 * dev.kiln.node.logs.LogFiles}), capped in size by copy-truncate, and are kept per function for a
 * while after the container stops ({@link dev.kiln.node.logs.LogArchive}).
 */
package dev.kiln.node.logs;
