package dev.kiln.image.store;

/**
 * What a garbage collection removed.
 *
 * @param blobsRemoved unreferenced blobs deleted
 * @param bytesFreed their total size
 * @param blobsKept blobs still referenced (or too recent to judge)
 */
public record GcResult(int blobsRemoved, long bytesFreed, int blobsKept) {}
