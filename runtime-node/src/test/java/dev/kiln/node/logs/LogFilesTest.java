package dev.kiln.node.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFilesTest {
  @TempDir Path dir;

  @Test
  void capKeepsTheNewestHalf() throws Exception {
    LogFiles logs = LogFiles.in(dir);
    Files.writeString(logs.stdout(), "a".repeat(1500) + "b".repeat(500));

    long dropped = logs.cap(1000);

    assertThat(dropped).isEqualTo(1500);
    assertThat(Files.readString(logs.stdout())).isEqualTo("b".repeat(500));
    assertThat(logs.cap(1000)).as("under the cap now").isZero();
  }

  @Test
  void tailShowsBothStreamsUnderHeadingsWhenBothHaveOutput() throws Exception {
    LogFiles logs = LogFiles.in(dir);
    assertThat(logs.tail(100)).as("no files yet").isEmpty();

    Files.writeString(logs.stdout(), "ready\n");
    assertThat(logs.tail(100)).isEqualTo("ready\n");

    Files.writeString(logs.stderr(), "Traceback: boom\n");
    assertThat(logs.tail(1000))
        .isEqualTo("--- stdout ---\nready\n--- stderr ---\nTraceback: boom\n");
    assertThat(logs.stderrTail(5)).isEqualTo("boom\n");
  }

  @Test
  void archiveKeepsTheNewestPerFunction() throws Exception {
    LogArchive archive = new LogArchive(dir.resolve("archive"), 2, 1000);
    for (int i = 1; i <= 3; i++) {
      Path c = Files.createDirectories(dir.resolve("c" + i));
      Files.writeString(LogFiles.in(c).stderr(), "container " + i);
      archive.retire("fn", "c" + i, LogFiles.in(c));
      Files.setLastModifiedTime(
          dir.resolve("archive/fn/c" + i + ".log"),
          java.nio.file.attribute.FileTime.fromMillis(1000L * i));
    }

    assertThat(archive.tail("c3", 100)).contains("container 3");
    assertThat(archive.tail("c2", 100)).contains("container 2");
    assertThat(archive.tail("c1", 100)).isEmpty();
  }
}
