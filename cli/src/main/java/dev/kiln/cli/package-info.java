/** The {@code kiln} command line. */
package dev.kiln.cli;
