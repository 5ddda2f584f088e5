package dev.kiln.node.engine;

import dev.kiln.node.cgroup.Cgroups;
import dev.kiln.node.logs.LogArchive;
import dev.kiln.node.logs.LogFiles;
import dev.kiln.node.oci.ContainerState;
import dev.kiln.node.oci.OciRuntime;
import dev.kiln.node.oci.OciRuntimeException;
import dev.kiln.node.rootfs.MountTable;
import dev.kiln.node.sys.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Cleans up what a node that died without closing (a crash, {@code kill -9}, a power cut) left on
 * the machine, before the engine serves. Nothing of it can be reused: the connections and the
 * bookkeeping are gone, so every container is removed.
 *
 * <p>In order: every container in the node's runtime state is deleted (killing its processes);
 * every cgroup in the node's subtree is emptied and removed; everything mounted under {@code
 * containers/} and {@code cells/} is detached; then those directories are deleted, after the output
 * of each function container is kept in the log archive.
 */
final class Reconciler {
  /** What a reconcile found and removed. */
  record Report(int containers, int cgroups, int mounts, int dirs) {}

  private final OciRuntime runtime;
  private final Cgroups cgroups;
  private final Path containersDir;
  private final Path cellsDir;
  private final LogArchive archive;

  Reconciler(
      OciRuntime runtime, Cgroups cgroups, Path containersDir, Path cellsDir, LogArchive archive) {
    this.runtime = runtime;
    this.cgroups = cgroups;
    this.containersDir = containersDir;
    this.cellsDir = cellsDir;
    this.archive = archive;
  }

  Report reconcile() {
    int containers = 0;
    for (ContainerState state : runtime.list()) {
      try {
        runtime.delete(state.id(), true);
        containers++;
      } catch (OciRuntimeException gone) {
        // Exited and deleted in the meantime.
      }
    }
    List<String> leftovers = cgroups.list();
    for (String id : leftovers) {
      cgroups.killAll(id);
      cgroups.remove(id);
    }
    try {
      int mounts = MountTable.unmountAllUnder(containersDir) + MountTable.unmountAllUnder(cellsDir);
      int dirs = keepLogsAndDelete(containersDir) + keepLogsAndDelete(cellsDir);
      return new Report(containers, leftovers.size(), mounts, dirs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean up after the previous node run", e);
    }
  }

  private int keepLogsAndDelete(Path parent) throws IOException {
    if (!Files.isDirectory(parent)) {
      return 0;
    }
    if (!MountTable.read().under(parent).isEmpty()) {
      throw new IOException(parent + " is still mounted after unmounting; its files were kept");
    }
    int count = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent)) {
      for (Path dir : dirs) {
        Path functionFile = dir.resolve(ContainerStarter.FUNCTION_FILE);
        if (Files.exists(functionFile)) {
          String function = Files.readString(functionFile).strip();
          // The name came from a FunctionSpec; check it again before it becomes a path.
          if (function.matches("[a-z][a-z0-9-]{0,62}")) {
            archive.retire(function, dir.getFileName().toString(), LogFiles.in(dir));
          }
        }
        FileTrees.deleteTree(dir);
        count++;
      }
    }
    return count;
  }
}
