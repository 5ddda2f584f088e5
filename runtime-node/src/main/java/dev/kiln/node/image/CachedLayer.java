package dev.kiln.node.image;

import dev.kiln.common.Digest;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A layer unpacked in the cache.
 *
 * @param diffId the digest of the uncompressed tar
 * @param dir the unpacked, read-only directory
 * @param sizeBytes bytes of file content (hardlinks once), recorded when unpacked
 * @param lastUsed the last {@link LayerCache#ensure} of it
 */
public record CachedLayer(Digest diffId, Path dir, long sizeBytes, Instant lastUsed) {}
