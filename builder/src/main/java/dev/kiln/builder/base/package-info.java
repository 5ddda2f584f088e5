/**
 * Base runtimes assembled from the host, without a registry: a jlinked JDK with a CDS archive, the
 * host's Python and Node.js with their shared-library closures, and a minimal root filesystem for
 * binaries. {@link dev.kiln.builder.base.BaseRuntimes} is the entry point.
 */
package dev.kiln.builder.base;
