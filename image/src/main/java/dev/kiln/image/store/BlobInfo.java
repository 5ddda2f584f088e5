package dev.kiln.image.store;

import dev.kiln.common.Digest;

/**
 * A blob in the store.
 *
 * @param digest sha256 of its bytes
 * @param size its length in bytes
 */
public record BlobInfo(Digest digest, long size) {}
