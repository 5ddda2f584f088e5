package dev.kiln.builder.kilnfile;

import dev.kiln.builder.build.BuildPlan;
import dev.kiln.builder.build.BuildStep;
import dev.kiln.builder.context.BuildContext;
import dev.kiln.image.layer.EntryKind;
import dev.kiln.image.layer.LayerBuilder;
import dev.kiln.image.oci.ImageConfig.RunConfig;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Turns a parsed Kilnfile into a build plan: {@code FROM} picks the starting image (through a
 * {@link BaseResolver}), each {@code COPY} becomes a layer and every other instruction a
 * metadata-only history entry. Layers are cached by content, so an unchanged prefix of the file is
 * reused without rebuilding.
 */
public final class KilnfilePlanner {

  /** The file name Kiln looks for in a function directory. */
  public static final String FILE_NAME = "Kilnfile";

  private final BaseResolver bases;

  /** A planner resolving {@code FROM} through {@code bases}. */
  public KilnfilePlanner(BaseResolver bases) {
    this.bases = bases;
  }

  /** Plans the image {@code kilnfile} describes, with files from {@code context}. */
  public BuildPlan plan(Kilnfile kilnfile, BuildContext context) throws java.io.IOException {
    Instruction.From from = kilnfile.from();
    BuildPlan.Builder plan;
    try {
      plan = bases.resolve(from.image());
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw new KilnfileException(from.line(), "FROM " + from.image() + ": " + e.getMessage(), e);
    }
    for (Instruction instruction : kilnfile.instructions()) {
      if (instruction instanceof Instruction.Copy copy) {
        plan.add(new BuildStep.AddLayer(copy.createdBy(), null, copyLayer(copy, context)));
      } else if (!(instruction instanceof Instruction.From
          || instruction instanceof Instruction.Arg)) {
        plan.add(new BuildStep.Configure(instruction.createdBy(), change(instruction)));
      }
    }
    return plan.build();
  }

  private static UnaryOperator<RunConfig> change(Instruction instruction) {
    if (instruction instanceof Instruction.Env env) {
      return c -> {
        RunConfig out = c;
        for (var e : env.variables().entrySet()) {
          out = out.withEnv(e.getKey(), e.getValue());
        }
        return out;
      };
    } else if (instruction instanceof Instruction.Label label) {
      return c -> {
        RunConfig out = c;
        for (var e : label.labels().entrySet()) {
          out = out.withLabel(e.getKey(), e.getValue());
        }
        return out;
      };
    } else if (instruction instanceof Instruction.Workdir w) {
      return c -> c.withWorkingDir(w.path());
    } else if (instruction instanceof Instruction.User u) {
      return c -> c.withUser(u.user());
    } else if (instruction instanceof Instruction.Expose expose) {
      return c -> {
        RunConfig out = c;
        for (Instruction.Expose.Port p : expose.ports()) {
          out = out.withExposedPort(p.toString());
        }
        return out;
      };
    } else if (instruction instanceof Instruction.Cmd cmd) {
      return c -> c.withCmd(cmd.command());
    } else if (instruction instanceof Instruction.Entrypoint ep) {
      return c -> c.withEntrypoint(ep.command());
    }
    throw new IllegalStateException("no metadata change for " + instruction.createdBy());
  }

  /**
   * Docker's COPY rules: a directory source copies its contents into the destination; a file goes
   * to the destination path, or into it when the destination ends with {@code /}; a pattern copies
   * each match into the destination directory.
   */
  private static LayerBuilder copyLayer(Instruction.Copy copy, BuildContext context) {
    if (copy.chown() != null) {
      throw new KilnfileException(
          copy.line(), "COPY --chown is not supported yet: files in Kiln images are owned by root");
    }
    LayerBuilder layer = LayerBuilder.create();
    String dest = copy.destination();
    boolean intoDir = dest.endsWith("/");
    for (String source : copy.sources()) {
      List<BuildContext.File> matches;
      if (Instruction.Copy.isPattern(source)) {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + source);
        matches =
            context.files().stream().filter(f -> m.matches(Path.of(f.relativePath()))).toList();
      } else if (source.equals(".")) {
        context.addTo(layer, dest);
        continue;
      } else {
        matches = context.files().stream().filter(f -> f.relativePath().equals(source)).toList();
      }
      if (matches.isEmpty()) {
        throw new KilnfileException(
            copy.line(), "COPY source '" + source + "' does not exist in the build context");
      }
      for (BuildContext.File f : matches) {
        if (f.kind() == EntryKind.DIRECTORY) {
          context.subtree(f.relativePath()).addTo(layer, dest);
        } else {
          String name = f.relativePath().substring(f.relativePath().lastIndexOf('/') + 1);
          String target = intoDir || Instruction.Copy.isPattern(source) ? dest + name : dest;
          if (f.kind() == EntryKind.SYMLINK) {
            layer.addSymlink(target, f.linkTarget());
          } else {
            layer.addFile(target, f.path(), f.mode());
          }
        }
      }
    }
    if (layer.isEmpty()) {
      // An empty directory source still makes a (directory-only) layer, as in Docker.
      layer.addDirectory(dest, 0755);
    }
    return layer;
  }

  /** Finds the image a Kilnfile starts {@code FROM}. */
  @FunctionalInterface
  public interface BaseResolver {
    /**
     * A plan builder that starts from {@code image}: its config and layers, or the steps that make
     * it.
     *
     * @throws IllegalArgumentException when there is no such image, saying where Kiln looked
     */
    BuildPlan.Builder resolve(String image) throws java.io.IOException;
  }
}
