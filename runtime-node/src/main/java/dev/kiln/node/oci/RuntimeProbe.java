package dev.kiln.node.oci;

import dev.kiln.common.Limits;
import dev.kiln.node.cgroup.Cgroups;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/** Picks the OCI runtime by running one trivial container with each installed candidate. */
final class RuntimeProbe {
  private static final System.Logger LOG = System.getLogger(RuntimeProbe.class.getName());

  private static final List<String> SEARCH_PATH =
      List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

  /** Host directories bound read-only into the probe container so that {@code true} runs. */
  private static final List<String> HOST_DIRS = List.of("/usr", "/bin", "/lib", "/lib64");

  private RuntimeProbe() {}

  static OciRuntime detect(Path nodeDir, Cgroups cgroups) {
    List<String> failures = new ArrayList<>();
    for (String name : List.of("crun", "runc")) {
      BiFunction<Path, Path, OciRuntime> factory =
          name.equals("crun") ? CrunRuntime::new : RuncRuntime::new;
      Optional<Path> binary = find(name);
      if (binary.isEmpty()) {
        failures.add(name + ": not installed");
        continue;
      }
      OciRuntime runtime = factory.apply(binary.get(), nodeDir.resolve(name));
      Optional<String> failure = probe(runtime, nodeDir.resolve("probe"), cgroups);
      if (failure.isEmpty()) {
        if (!failures.isEmpty()) {
          LOG.log(Level.INFO, "OCI runtime " + name + "; " + String.join("; ", failures));
        }
        return runtime;
      }
      failures.add(name + " refused: " + failure.get() + hint(failure.get()));
    }
    throw new IllegalStateException(
        "no working OCI runtime ("
            + String.join("; ", failures)
            + "); install runc: apt-get install runc");
  }

  /** How to let crun run on a hybrid host whose cgroup2 hierarchy holds controllers. */
  private static String hint(String failure) {
    if (!failure.contains("hybrid mode not supported")) {
      return "";
    }
    String controllers;
    try {
      controllers = Files.readString(Path.of("/sys/fs/cgroup/unified/cgroup.controllers")).strip();
    } catch (IOException e) {
      return "";
    }
    StringBuilder fix = new StringBuilder();
    for (String c : controllers.split("\\s+")) {
      if (!c.isEmpty()) {
        fix.append(fix.length() == 0 ? "" : " && ")
            .append("mkdir -p /sys/fs/cgroup/")
            .append(c)
            .append(" && mount -t cgroup -o ")
            .append(c)
            .append(" cgroup /sys/fs/cgroup/")
            .append(c);
      }
    }
    return fix.length() == 0
        ? ""
        : " (cgroup2 holds "
            + controllers
            + "; to let crun run, bind it to v1 as root: "
            + fix
            + ")";
  }

  static Optional<Path> find(String name) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.addAll(SEARCH_PATH);
    return dirs.stream()
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Runs {@code true} in a fully hardened container; empty when it ran and exited. */
  static Optional<String> probe(OciRuntime runtime, Path dir, Cgroups cgroups) {
    String id = "kiln-probe-" + ProcessHandle.current().pid();
    try {
      Files.createDirectories(dir.resolve("rootfs"));
      cgroups.prepare();
      BundleSpec.Builder spec =
          BundleSpec.builder(id, dir.resolve("rootfs"), List.of("true"))
              .cgroupsPath(cgroups.cgroupsPath(id))
              .limits(Limits.ofMemoryMiB(32));
      HOST_DIRS.stream()
          .filter(host -> Files.isDirectory(Path.of(host)))
          .forEach(host -> spec.mount(BindMount.readOnly(Path.of(host), host)));
      OciBundle bundle = OciBundle.write(dir, spec.build());
      runtime.run(bundle, dir.resolve("stdout.log"), dir.resolve("stderr.log"));
      for (int i = 0; i < 200; i++) {
        if (runtime.state(id).status() == ContainerState.Status.STOPPED) {
          return Optional.empty();
        }
        Thread.sleep(10);
      }
      return Optional.of("the probe container did not exit");
    } catch (OciRuntimeException | InvalidBundleException e) {
      return Optional.of(e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the runtime probe in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    } finally {
      cleanUp(runtime, id, dir, cgroups);
    }
  }

  /** A failed runtime may leave its state and cgroup behind (crun does on hybrid hosts). */
  private static void cleanUp(OciRuntime runtime, String id, Path dir, Cgroups cgroups) {
    try {
      runtime.delete(id, true);
    } catch (OciRuntimeException alreadyGone) {
      // Nothing was created, or the runtime removed it when it failed.
    }
    cgroups.remove(id);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the runtime probe " + dir, e);
    }
  }
}
