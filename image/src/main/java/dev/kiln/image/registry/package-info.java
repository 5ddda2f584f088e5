/**
 * The OCI distribution API, both ways: {@link dev.kiln.image.registry.RegistryClient} pushes images
 * from an {@link dev.kiln.image.store.ImageStore} to a registry and pulls them back; {@link
 * dev.kiln.image.registry.RegistryHandler} serves a store as a registry (mounted by the gateway, or
 * run alone with {@link dev.kiln.image.registry.RegistryServer}).
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md">OCI
 *     distribution spec</a>
 */
package dev.kiln.image.registry;
