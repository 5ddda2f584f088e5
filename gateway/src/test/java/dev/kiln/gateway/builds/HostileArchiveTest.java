package dev.kiln.gateway.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.kiln.gateway.testing.Api;
import dev.kiln.gateway.testing.Archives;
import dev.kiln.gateway.testing.KilnTestResources;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Archives built to escape, exhaust or confuse the unpacker: each is refused, nothing leaks. */
@QuarkusTest
@WithTestResource(value = KilnTestResources.class, scope = TestResourceScope.MATCHING_RESOURCES)
class HostileArchiveTest {

  final String marker = "kiln-escape-" + UUID.randomUUID();

  static Archives valid() {
    return Archives.create()
        .file("kiln.yaml", Archives.pythonSpec("hostile"))
        .file("handler.py", Archives.HANDLER);
  }

  @AfterEach
  void nothingWrittenOutsideAndScratchSpaceCleaned() throws IOException {
    Path scratch = Api.dataDir().resolve("tmp");
    for (Path p :
        new Path[] {
          scratch.resolve(marker),
          Api.dataDir().resolve(marker),
          Path.of("/tmp", marker),
          scratch.getParent().getParent().resolve(marker)
        }) {
      assertThat(p).doesNotExist();
    }
    try (Stream<Path> s = Files.list(scratch)) {
      assertThat(s.toList()).as("scratch space after a refused deploy").isEmpty();
    }
  }

  @Test
  void dotDotPathsAreRefused() {
    Api.deploy(valid().file("../../" + marker, "x").bytes(), null)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("title", equalTo("Unacceptable function archive"))
        .body(
            "detail",
            equalTo(
                "function archive: '../../"
                    + marker
                    + "' climbs out of the function directory with '..'; archive paths must"
                    + " stay inside"));
  }

  @Test
  void absolutePathsAreRefused() {
    Api.deploy(valid().file("/tmp/" + marker, "x").bytes(), null)
        .then()
        .statusCode(400)
        .body("detail", containsString("'/tmp/" + marker + "' is an absolute path"));
  }

  @Test
  void symlinksOutOfTheDirectoryAreRefused() {
    Api.deploy(valid().symlink("escape", "/tmp").file("escape/" + marker, "x").bytes(), null)
        .then()
        .statusCode(400)
        .body(
            "detail",
            equalTo(
                "function archive: 'escape' is a symlink to '/tmp', outside the function"
                    + " directory"));
    Api.deploy(valid().symlink("up", "../..").bytes(), null)
        .then()
        .statusCode(400)
        .body("detail", containsString("'up' is a symlink to '../..', outside"));
  }

  @Test
  void entriesBelowASymlinkAreRefusedEvenIfItPointsInside() {
    Api.deploy(valid().dir("sub").symlink("link", "sub").file("link/" + marker, "x").bytes(), null)
        .then()
        .statusCode(400)
        .body("detail", containsString("lies below the symlink 'link'"));
  }

  @Test
  void hardLinksAreRefused() {
    Api.deploy(valid().hardlink("passwd", "/etc/passwd").bytes(), null)
        .then()
        .statusCode(400)
        .body("detail", containsString("'passwd' is a hard link"));
  }

  @Test
  void anArchiveUnpackingPastTheLimitIsRefused() {
    // 17 MiB of zeros compress to a few KiB: a small gzip bomb against the 16 MiB test limit.
    Api.deploy(valid().file("big.bin", new byte[17 << 20]).bytes(), null)
        .then()
        .statusCode(400)
        .body(
            "detail",
            equalTo(
                "function archive: 'big.bin' makes the archive unpack to more than 16 MiB"
                    + " (kiln.deploy.max-unpacked-size)"));
  }

  @Test
  void tooManyEntriesAreRefused() {
    Archives a = valid();
    for (int i = 0; i < 501; i++) {
      a.file("f" + i, "");
    }
    Api.deploy(a.bytes(), null)
        .then()
        .statusCode(400)
        .body("detail", containsString("holds more than 500 entries"));
  }

  @Test
  void aBodyThatIsNotATarGzIsRefused() {
    Api.deploy("not a tarball".getBytes(), null)
        .then()
        .statusCode(400)
        .body("detail", containsString("is not a valid gzip-compressed tar (.tar.gz)"));
  }

  @Test
  void aBodyOverTheHttpLimitIs413() {
    byte[] body = new byte[9 << 20];
    new Random(1).nextBytes(body);
    Api.deploy(body, null)
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("detail", containsString("larger than the limit of 8388608 bytes"));
  }
}
