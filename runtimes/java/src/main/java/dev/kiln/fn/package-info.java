/** The Kiln Java SDK: implement {@link dev.kiln.fn.Handler} to write a function. */
package dev.kiln.fn;
