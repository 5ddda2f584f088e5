/** Small concurrency helpers shared by the modules. */
package dev.kiln.common.concurrent;
