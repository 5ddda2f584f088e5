/**
 * Stem cells: containers of a runtime image (base layers and runner, no function) whose runner
 * waits for {@code POST /init}. Taking one for a function mounts the function's own layers (its
 * dependencies and code) at the cell's {@code /opt/kiln/function} through mount propagation, sets
 * the function's limits on the cell's cgroup and sends {@code /init}: a cold start without a
 * container launch or a runtime boot.
 *
 * <p>How the code gets in: before the cell starts, its host directory {@code <cell>/fn} is bound
 * onto itself and made a shared mount; the container receives it at {@code /opt/kiln/function} with
 * {@code rslave} propagation. A mount made later on {@code <cell>/fn} on the host therefore appears
 * inside the container, and nothing the container does propagates back.
 *
 * @see <a href="https://docs.kernel.org/filesystems/sharedsubtree.html">Shared subtrees</a>
 */
package dev.kiln.node.cell;
