/**
 * OCI runtime bundles and the OCI runtime (crun or runc) that runs them.
 *
 * <p>{@link dev.kiln.node.oci.BundleSpec} describes a container in Kiln's terms; {@link
 * dev.kiln.node.oci.OciBundle#write} translates it into an OCI runtime-spec {@code config.json} in
 * one place and checks the result; {@link dev.kiln.node.oci.OciRuntime#detect} picks the runtime
 * that works on this host.
 *
 * @see <a href="https://github.com/opencontainers/runtime-spec/blob/v1.0.2/config.md">OCI
 *     runtime-spec 1.0.2 config.md</a>
 */
package dev.kiln.node.oci;
