/**
 * Reads and writes {@code kiln.yaml}, the file that declares a function's name, runtime, handler,
 * limits and environment. {@link dev.kiln.builder.spec.FunctionSpecReader} is the entry point.
 */
package dev.kiln.builder.spec;
