package dev.kiln.builder.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextTest {

  @TempDir Path tmp;

  @Test
  void symlinksInsideTheContextAreKept() throws Exception {
    Files.writeString(tmp.resolve("real.py"), "x");
    Files.createSymbolicLink(tmp.resolve("alias.py"), Path.of("real.py"));
    BuildContext ctx = BuildContext.scan(tmp);
    assertThat(ctx.files())
        .filteredOn(f -> f.relativePath().equals("alias.py"))
        .singleElement()
        .satisfies(f -> assertThat(f.linkTarget()).isEqualTo("real.py"));
  }

  @Test
  void symlinkLeavingTheContextIsAnErrorNamingIt() throws Exception {
    Files.createDirectories(tmp.resolve("fn/sub"));
    Files.createSymbolicLink(tmp.resolve("fn/sub/secret"), Path.of("../../outside"));
    assertThatThrownBy(() -> BuildContext.scan(tmp.resolve("fn")))
        .isInstanceOf(BuildContextException.class)
        .hasMessageContaining(
            "'sub/secret' is a symlink to '../../outside', outside the build context");
  }

  @Test
  void absoluteSymlinkIsAnError() throws Exception {
    Files.createSymbolicLink(tmp.resolve("passwd"), Path.of("/etc/passwd"));
    assertThatThrownBy(() -> BuildContext.scan(tmp))
        .hasMessageContaining("'passwd' is a symlink to '/etc/passwd', outside the build context");
  }

  @Test
  void namedPipeIsAnError() throws Exception {
    Process p = new ProcessBuilder("mkfifo", tmp.resolve("pipe").toString()).start();
    assertThat(p.waitFor()).isZero();
    assertThatThrownBy(() -> BuildContext.scan(tmp))
        .hasMessageContaining("'pipe' is not a regular file, directory or symlink");
  }

  @Test
  void modesAreNormalisedToExecutableOrNot() throws Exception {
    Path script = Files.writeString(tmp.resolve("run.sh"), "#!/bin/sh");
    script.toFile().setExecutable(true, true);
    Path data = Files.writeString(tmp.resolve("data.txt"), "d");
    Files.setPosixFilePermissions(
        data, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    BuildContext ctx = BuildContext.scan(tmp);
    assertThat(ctx.files())
        .extracting(BuildContext.File::relativePath, BuildContext.File::mode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("data.txt", 0644),
            org.assertj.core.groups.Tuple.tuple("run.sh", 0755));
  }

  @Test
  void ignoreFileExcludesMatchingPathsAndEverythingBelow() throws Exception {
    Files.createDirectories(tmp.resolve("build/out"));
    Files.writeString(tmp.resolve("build/out/x.bin"), "x");
    Files.writeString(tmp.resolve("notes.log"), "x");
    Files.writeString(tmp.resolve("handler.py"), "x");
    Files.writeString(tmp.resolve(".kilnignore"), "# generated\nbuild/\n*.log\n");
    BuildContext ctx = BuildContext.scan(tmp, IgnoreFile.load(tmp));
    assertThat(ctx.files())
        .extracting(BuildContext.File::relativePath)
        .containsExactly(".kilnignore", "handler.py");
  }
}
