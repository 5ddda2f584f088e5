package dev.kiln.common.node;

import dev.kiln.common.Runtime;

/**
 * The stem cells of one runtime on a node: containers of the runtime image with the runner waiting
 * for {@code /init}.
 *
 * @param runtime the runtime
 * @param ready stem cells waiting now
 * @param target how many the node keeps
 * @param taken stem cells specialised into functions since the node started
 */
public record StemCellPool(Runtime runtime, int ready, int target, long taken) {}
