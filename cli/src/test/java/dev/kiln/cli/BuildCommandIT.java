package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.builder.it.Examples;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.oci.Manifest;
import dev.kiln.image.store.ImageStore;
import dev.kiln.image.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln build} with the real base runtimes, read back by skopeo and umoci. */
class BuildCommandIT {

  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    Tools.require("skopeo", "skopeo reads the OCI layout independently");
    Tools.require("umoci", "umoci unpacks the image independently");
  }

  @Test
  void pythonExampleIsReadableBySkopeoAndUnpackableByUmoci() throws Exception {
    Path layout = tmp.resolve("o");
    String out =
        CliRun.of(
                "build",
                Examples.dir("hello-python").toString(),
                "-t",
                "hello:1",
                "--output",
                "oci:" + layout,
                "--store",
                tmp.resolve("store").toString())
            .ok();
    assertThat(out).contains("Step 1/", "COPY . /opt/kiln/function/", "Built hello:1 sha256:");

    String inspect = Tools.run("skopeo", "inspect", "oci:" + layout + ":hello:1").ok();
    assertThat(inspect)
        .contains("\"dev.kiln.function\": \"hello-python\"", "KILN_HANDLER=handler.handle");

    Path bundle = tmp.resolve("bundle");
    Tools.run("umoci", "unpack", "--image", layout + ":hello:1", bundle.toString()).ok();
    assertThat(bundle.resolve("rootfs/opt/kiln/function/handler.py")).isRegularFile();
    assertThat(bundle.resolve("rootfs/opt/kiln/runner/runner.py")).isRegularFile();
    assertThat(bundle.resolve("rootfs/usr/bin/python3")).exists();
    // The runner module comes precompiled by the base's interpreter, as an unchecked-hash pyc
    // (PEP 552 flags 1) that a read-only root can use despite the layer's fixed mtimes.
    try (Stream<Path> pycs = Files.list(bundle.resolve("rootfs/opt/kiln/runner/__pycache__"))) {
      List<Path> runner =
          pycs.filter(p -> p.getFileName().toString().matches("kiln_runner\\.cpython-3\\d+\\.pyc"))
              .toList();
      assertThat(runner).hasSize(1);
      assertThat(Files.readAllBytes(runner.get(0))[4]).isEqualTo((byte) 1);
    }
    assertThat(Files.readString(bundle.resolve("config.json")))
        .contains("/opt/kiln/runner/runner.py");
  }

  @Test
  void sameCodeFromTwoPathsGivesTheSameDigestAndAnEditChangesOnlyTheCodeLayer() throws Exception {
    Path a = Examples.copy("hello-python", tmp.resolve("a/hello"));
    Path b = Examples.copy("hello-python", tmp.resolve("somewhere/else/fn"));
    Path storeA = tmp.resolve("storeA");
    Path storeB = tmp.resolve("storeB");
    CliRun.of("build", a.toString(), "-t", "h:1", "--store", storeA.toString()).ok();
    CliRun.of("build", b.toString(), "-t", "h:1", "--store", storeB.toString()).ok();
    Descriptor first = ImageStore.open(storeA).resolve("h:1").orElseThrow();
    assertThat(ImageStore.open(storeB).resolve("h:1").orElseThrow().digest())
        .isEqualTo(first.digest());

    Path handler = a.resolve("handler.py");
    Files.writeString(handler, Files.readString(handler).replace("world", "everyone"));
    String out = CliRun.of("build", a.toString(), "-t", "h:2", "--store", storeA.toString()).ok();
    assertThat(out).contains("(1 of 4 layers built)");

    ImageStore store = ImageStore.open(storeA);
    List<Descriptor> before = store.readManifest(first.digest()).layers();
    Manifest after = store.readManifest(store.resolve("h:2").orElseThrow().digest());
    assertThat(after.layers().subList(0, 3)).isEqualTo(before.subList(0, 3));
    assertThat(after.layers().get(3).digest()).isNotEqualTo(before.get(3).digest());
  }

  @Test
  void everyExampleBuilds() throws Exception {
    Path store = tmp.resolve("store");
    for (String example : List.of("hello-node", "hello-java", "hello-kilnfile")) {
      String out =
          CliRun.of(
                  "build",
                  Examples.dir(example).toString(),
                  "-t",
                  example + ":1",
                  "--store",
                  store.toString())
              .ok();
      assertThat(out).as(example).contains("Built " + example + ":1");
    }
    String history = CliRun.of("history", "hello-kilnfile:1", "--store", store.toString()).ok();
    assertThat(history.lines().findFirst().orElseThrow())
        .contains("IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
    assertThat(history)
        .contains(
            "COPY greet.py /opt/kiln/function/", "<missing>", "ENV KILN_HANDLER=greet.handle");
    assertThat(CliRun.of("images", "--store", store.toString()).ok())
        .contains("hello-node", "hello-java", "hello-kilnfile");
  }
}
