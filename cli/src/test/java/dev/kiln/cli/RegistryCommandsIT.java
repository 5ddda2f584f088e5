package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.builder.it.Examples;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.store.ImageStore;
import dev.kiln.image.testing.DistributionRegistry;
import dev.kiln.image.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kiln build --push, kiln push and kiln pull against the real Distribution registry. */
class RegistryCommandsIT {

  @TempDir Path tmp;

  @Test
  void pushReadBackBySkopeoAndPullIntoAFreshStoreKeepsEveryDigest() throws Exception {
    Tools.require("skopeo", "skopeo reads the pushed image back independently");
    try (DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("registry"))) {
      Path storeDir = tmp.resolve("store");
      String target = registry.address() + "/fn/hello:1";
      String built =
          CliRun.of(
                  "build",
                  Examples.dir("hello-python").toString(),
                  "-t",
                  "hello:1",
                  "--push",
                  target,
                  "--store",
                  storeDir.toString())
              .ok();
      assertThat(built).contains("transferred", "Pushed " + target);
      ImageStore store = ImageStore.open(storeDir);
      Descriptor local = store.resolve("hello:1").orElseThrow();

      String raw =
          Tools.run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + target).ok();
      assertThat(
              dev.kiln.common.Digest.sha256(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .isEqualTo(local.digest());

      String again = CliRun.of("push", "hello:1", target, "--store", storeDir.toString()).ok();
      assertThat(again).contains("already present").doesNotContain("transferred");

      Path fresh = tmp.resolve("fresh");
      String pulled = CliRun.of("pull", target, "--store", fresh.toString()).ok();
      assertThat(pulled).contains("Pulled " + target + " " + local.digest());
      ImageStore freshStore = ImageStore.open(fresh);
      assertThat(freshStore.readManifest(local.digest()).layers())
          .isEqualTo(store.readManifest(local.digest()).layers());
      for (Descriptor layer : freshStore.readManifest(local.digest()).layers()) {
        assertThat(dev.kiln.common.Digest.sha256(freshStore.blobPath(layer.digest())))
            .isEqualTo(layer.digest());
      }
    }
  }

  @Test
  void kilnfileCanStartFromAnImageInARegistry() throws Exception {
    try (DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("registry"))) {
      String base = registry.address() + "/base/python:1";
      Path first = tmp.resolve("first");
      CliRun.of(
              "build",
              Examples.dir("hello-python").toString(),
              "-t",
              "b:1",
              "--push",
              base,
              "--store",
              first.toString())
          .ok();

      Path fn = Files.createDirectories(tmp.resolve("fn"));
      Files.writeString(
          fn.resolve("Kilnfile"), "FROM " + base + "\nCOPY extra.txt /opt/kiln/function/\n");
      Files.writeString(fn.resolve("extra.txt"), "more");
      String out =
          CliRun.of(
                  "build",
                  fn.toString(),
                  "-t",
                  "derived:1",
                  "--store",
                  tmp.resolve("second").toString())
              .ok();
      assertThat(out)
          .contains("transferred", "COPY extra.txt /opt/kiln/function/", "Built derived:1");
    }
  }

  @Test
  void missingImageAndRefusedCredentialsSayWhatToDo() throws Exception {
    try (DistributionRegistry registry =
        DistributionRegistry.start(tmp.resolve("registry"), "kiln", "right-password")) {
      CliRun missing =
          CliRun.of(
              "pull", registry.address() + "/fn/nothing:1", "--store", tmp.resolve("s").toString());
      assertThat(missing.exit()).isEqualTo(1);
      assertThat(missing.err())
          .startsWith("kiln: error: ")
          .contains("401")
          .contains("KILN_REGISTRY_USER");
    }
    try (DistributionRegistry open = DistributionRegistry.start(tmp.resolve("open"))) {
      CliRun missing =
          CliRun.of(
              "pull", open.address() + "/fn/nothing:1", "--store", tmp.resolve("s").toString());
      assertThat(missing.exit()).isEqualTo(1);
      assertThat(missing.err()).contains("not found");
    }
  }
}
