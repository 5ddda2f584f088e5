/** Builds layered OCI images from function code. */
package dev.kiln.builder;
