package dev.kiln.cli;

import dev.kiln.builder.context.BuildContext;
import dev.kiln.builder.context.IgnoreFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A function directory as the {@code .tar.gz} {@code kiln deploy} uploads: the same entries a local
 * {@code kiln build} would use ({@code .kilnignore} applied, nothing that points outside the
 * directory), paths relative to it.
 */
final class FunctionArchive {

  private FunctionArchive() {}

  static byte[] of(Path dir) throws IOException {
    BuildContext context = BuildContext.scan(dir, IgnoreFile.load(dir));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (BuildContext.File f : context.files()) {
        TarArchiveEntry e;
        switch (f.kind()) {
          case DIRECTORY -> e = new TarArchiveEntry(f.relativePath() + "/", true);
          case SYMLINK -> {
            e = new TarArchiveEntry(f.relativePath(), TarConstants.LF_SYMLINK, true);
            e.setLinkName(f.linkTarget());
          }
          default -> {
            e = new TarArchiveEntry(f.relativePath(), true);
            e.setSize(Files.size(f.path()));
          }
        }
        e.setMode(f.mode());
        tar.putArchiveEntry(e);
        if (e.isFile()) {
          Files.copy(f.path(), tar);
        }
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }
}
