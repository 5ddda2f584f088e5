package dev.kiln.node.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An OCI runtime bundle on disk: a directory with {@code config.json}; the root filesystem lives
 * wherever {@code root.path} points.
 *
 * @param id the container id
 * @param dir the bundle directory, passed to the runtime as {@code --bundle}
 */
public record OciBundle(String id, Path dir) {

  /**
   * Translates the spec into config.json, checks it and writes it atomically into {@code dir}
   * (created if missing).
   *
   * @throws InvalidBundleException listing every failed check; nothing is written then
   * @throws UncheckedIOException when the directory or file cannot be written
   */
  public static OciBundle write(Path dir, BundleSpec spec) {
    ObjectNode config = SpecTranslator.toConfig(spec);
    SpecChecks.validate(spec.id(), config);
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve("config.json.tmp");
      SpecTranslator.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), config);
      Files.move(tmp, dir.resolve("config.json"), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the bundle of container " + spec.id(), e);
    }
    return new OciBundle(spec.id(), dir);
  }

  /** The bundle's config.json. */
  public Path configJson() {
    return dir.resolve("config.json");
  }
}
