package dev.kiln.common.node;

import dev.kiln.common.Digest;

/**
 * An image made ready on a node.
 *
 * @param manifest digest of the image manifest
 * @param layers number of layers
 * @param layersUnpacked layers unpacked by this call (0 when all were cached)
 * @param millis time the call took
 */
public record ImageStatus(Digest manifest, int layers, int layersUnpacked, long millis) {}
