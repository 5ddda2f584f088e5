package dev.kiln.scheduler.placement;

/** Ranks of a node for a new container, best first. */
enum Tier {
  /** A stem cell of the runtime is ready and the image is unpacked: milliseconds to start. */
  STEM_CELL_AND_IMAGE,
  /** The image is unpacked: no pull, a fresh container. */
  IMAGE,
  /** The image must be ensured first. */
  ANY
}
