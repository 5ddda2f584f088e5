/** The runtime node: turns images into isolated, running function containers. */
package dev.kiln.node;
