/**
 * The node's layer cache: each image layer unpacked once, by diff_id, into a directory that is then
 * only ever read (as an overlayfs lower directory shared by every container of the image).
 *
 * <p>Layer tars are hostile input. {@link dev.kiln.node.image.LayerCache} rejects path escapes
 * ({@code ..}, writes through symlinks, hardlinks out of the layer), device nodes and fifos, and
 * oversized layers, with a {@link dev.kiln.node.image.HostileLayerException} that names the entry
 * and the rule; a rejected layer leaves nothing behind.
 *
 * <p>OCI whiteouts are converted to the form overlayfs reads, because layers stay separate lower
 * directories rather than being applied onto one tree.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts">OCI
 *     image spec: whiteouts</a>
 * @see <a
 *     href="https://docs.kernel.org/filesystems/overlayfs.html#whiteouts-and-opaque-directories">
 *     overlayfs: whiteouts and opaque directories</a>
 */
package dev.kiln.node.image;
