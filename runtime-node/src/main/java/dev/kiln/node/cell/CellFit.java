package dev.kiln.node.cell;

import dev.kiln.common.Digest;
import dev.kiln.node.launch.LoadedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether a function image can run in a stem cell of a runtime image: it must start with exactly
 * the runtime image's layers (same diff_ids, so the same base and runner), run the same process,
 * and every further layer may add files only under {@code /opt/kiln/function}, the one directory a
 * stem cell receives later.
 */
public sealed interface CellFit {

  /** Where the function's code lives in every Kiln image. */
  String CODE_DIR = "/opt/kiln/function";

  /**
   * The image fits.
   *
   * @param codeDirsTopFirst each further layer's {@code opt/kiln/function} directory, top first
   */
  record Fits(List<Path> codeDirsTopFirst) implements CellFit {
    public Fits {
      codeDirsTopFirst = List.copyOf(codeDirsTopFirst);
    }
  }

  /** The image does not fit, and why. */
  record Misfit(String reason) implements CellFit {}

  /** Checks a function image against a stem cell's runtime image. */
  static CellFit check(LoadedImage runtimeImage, LoadedImage functionImage) {
    Optional<String> base = baseMismatch(runtimeImage.diffIds(), functionImage.diffIds());
    if (base.isPresent()) {
      return new Misfit(base.get());
    }
    if (!runtimeImage.args().equals(functionImage.args())) {
      return new Misfit(
          "the image runs "
              + functionImage.args()
              + ", not the runtime's runner "
              + runtimeImage.args());
    }
    List<Path> codeDirs = new ArrayList<>();
    int k = runtimeImage.diffIds().size();
    for (int i = functionImage.layerDirs().size() - 1; i >= k; i--) {
      Path layer = functionImage.layerDirs().get(i);
      if (!onlyUnder(layer, "opt", "kiln", "function")) {
        return new Misfit(
            "layer "
                + functionImage.diffIds().get(i)
                + " adds files outside "
                + CODE_DIR
                + ", which a stem cell cannot receive");
      }
      Path code = layer.resolve("opt/kiln/function");
      if (Files.isDirectory(code, LinkOption.NOFOLLOW_LINKS)) {
        codeDirs.add(code);
      }
    }
    return new Fits(codeDirs);
  }

  /**
   * Why the function's layers do not start with the runtime's, or empty when they do.
   *
   * @param base the runtime image's diff_ids, base first
   * @param function the function image's diff_ids, base first
   */
  static Optional<String> baseMismatch(List<Digest> base, List<Digest> function) {
    if (base.isEmpty()) {
      return Optional.of("the runtime image has no layers");
    }
    if (function.size() < base.size()) {
      return Optional.of(
          "the image has "
              + function.size()
              + " layers, fewer than the runtime image's "
              + base.size());
    }
    for (int i = 0; i < base.size(); i++) {
      if (!base.get(i).equals(function.get(i))) {
        return Optional.of(
            "layer "
                + (i + 1)
                + " is "
                + function.get(i)
                + ", not the runtime image's "
                + base.get(i)
                + ": the image was built on another base");
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code dir} holds nothing but the chain {@code names[0]/names[1]/...} (or is empty).
   */
  private static boolean onlyUnder(Path dir, String... names) {
    Path current = dir;
    for (String name : names) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(current)) {
        for (Path entry : entries) {
          if (!entry.getFileName().toString().equals(name)
              || !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
            return false;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read layer directory " + current, e);
      }
      current = current.resolve(name);
      if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
        return true;
      }
    }
    return true;
  }
}
