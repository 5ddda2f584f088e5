package dev.kiln.image.registry;

import dev.kiln.common.Digest;
import dev.kiln.common.ImageRef;

/** Hears what a push or pull did with each blob and manifest. Every method defaults to nothing. */
public interface ProgressListener {

  /** A listener that ignores everything. */
  ProgressListener NOOP = new ProgressListener() {};

  /** The blob was already there (in the registry on push, in the store on pull). */
  default void blobSkipped(Digest digest, long size) {}

  /** The registry mounted the blob from another repository, so no bytes were sent. */
  default void blobMounted(Digest digest, long size, String fromRepository) {}

  /** The blob's bytes were sent (push) or received and stored (pull). */
  default void blobTransferred(Digest digest, long size) {}

  /** The registry accepted the manifest; the image is now visible at {@code ref}. */
  default void manifestPushed(ImageRef ref, Digest digest) {}

  /** The manifest was fetched, checked and stored. */
  default void manifestPulled(ImageRef ref, Digest digest) {}
}
