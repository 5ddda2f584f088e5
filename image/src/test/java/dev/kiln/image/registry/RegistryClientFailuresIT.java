package dev.kiln.image.registry;

import static dev.kiln.image.registry.RegistryFixtures.address;
import static dev.kiln.image.registry.RegistryFixtures.blobFiles;
import static dev.kiln.image.registry.RegistryFixtures.buildImage;
import static dev.kiln.image.registry.RegistryFixtures.fakeServer;
import static dev.kiln.image.registry.RegistryFixtures.fastClient;
import static dev.kiln.image.registry.RegistryFixtures.freePort;
import static dev.kiln.image.registry.RegistryFixtures.kilnServer;
import static dev.kiln.image.registry.RegistryFixtures.layerDigests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.common.Digest;
import dev.kiln.common.ImageRef;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.store.BlobDigestMismatchException;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the client fails: over real sockets, against servers that misbehave on purpose. */
class RegistryClientFailuresIT {

  @TempDir Path tmp;

  @Test
  void serverErrorsAreRetriedThenReportedWithTheRegistryMessage() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    byte[] body =
        "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"storage backend unavailable\"}]}"
            .getBytes(StandardCharsets.UTF_8);
    HttpServer server =
        fakeServer(
            exchange -> {
              requests.incrementAndGet();
              exchange.getResponseHeaders().set("Content-Type", "application/json");
              exchange.sendResponseHeaders(500, body.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
            });
    try {
      String registry = "127.0.0.1:" + server.getAddress().getPort();
      ImageStore store = ImageStore.open(tmp.resolve("store"));

      assertThatThrownBy(
              () ->
                  fastClient()
                      .build()
                      .pull(ImageRef.parse(registry + "/fn/hello:1"), store, ProgressListener.NOOP))
          .isInstanceOf(RegistryException.class)
          .hasMessage(
              "registry "
                  + registry
                  + " answered 500 for repository fn/hello while pulling the manifest:"
                  + " storage backend unavailable (UNKNOWN) (gave up after 4 attempts)")
          .extracting(e -> ((RegistryException) e).status())
          .isEqualTo(500);
      assertThat(requests).hasValue(4);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void unreachableRegistrySaysSo() throws Exception {
    String registry = "127.0.0.1:" + freePort();
    ImageStore store = ImageStore.open(tmp.resolve("store"));

    assertThatThrownBy(
            () ->
                fastClient()
                    .build()
                    .pull(ImageRef.parse(registry + "/fn/hello:1"), store, ProgressListener.NOOP))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith(
            "cannot reach registry "
                + registry
                + " while pulling the manifest for repository"
                + " fn/hello")
        .hasMessageContaining("gave up after 4 attempts")
        .hasMessageEndingWith("check that the registry is running and reachable");
  }

  @Test
  void tamperedBlobFailsThePullAndLeavesTheStoreAlone() throws Exception {
    ImageStore source = ImageStore.open(tmp.resolve("source"));
    Descriptor image = buildImage(source, "fn/hello:1", "runtime", "code");
    Digest tampered = layerDigests(source, image).get(1);
    RegistryHandler honest = new RegistryHandler(source);
    try (RegistryServer server =
        kilnServer(
            request -> {
              RegistryResponse r = honest.handle(request);
              if (request.method().equals("GET") && request.path().endsWith("/" + tampered)) {
                byte[] bytes = readAll(r);
                bytes[bytes.length / 2] ^= 0x5a;
                return new RegistryResponse(
                    r.status(), r.headers(), new RegistryResponse.Bytes(bytes));
              }
              return r;
            })) {
      ImageStore target = ImageStore.open(tmp.resolve("target"));
      buildImage(target, "other:1", "something else");
      Set<String> blobsBefore = blobFiles(target);
      List<Descriptor> imagesBefore = target.images();

      assertThatThrownBy(
              () ->
                  fastClient()
                      .build()
                      .pull(
                          ImageRef.parse(address(server) + "/fn/hello:1"),
                          target,
                          ProgressListener.NOOP))
          .isInstanceOf(BlobDigestMismatchException.class)
          .hasMessageStartingWith("blob digest mismatch: expected " + tampered);

      assertThat(blobFiles(target)).isEqualTo(blobsBefore);
      assertThat(target.images()).isEqualTo(imagesBefore);
      try (Stream<Path> leftovers = Files.list(target.root().resolve(".kiln-tmp"))) {
        assertThat(leftovers).isEmpty();
      }
    }
  }

  private static byte[] readAll(RegistryResponse r) {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      r.body().writeTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
