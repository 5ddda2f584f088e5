package dev.kiln.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageRefTest {

  @Test
  void bareNameDefaultsToDockerHubLibraryAndLatest() {
    ImageRef ref = ImageRef.parse("alpine");
    assertThat(ref.registry()).isEqualTo("docker.io");
    assertThat(ref.repository()).isEqualTo("library/alpine");
    assertThat(ref.tag()).isEqualTo("latest");
  }

  @Test
  void registryWithPortIsRecognised() {
    ImageRef ref = ImageRef.parse("127.0.0.1:5000/fn/hello:2");
    assertThat(ref.registry()).isEqualTo("127.0.0.1:5000");
    assertThat(ref.repository()).isEqualTo("fn/hello");
    assertThat(ref.tag()).isEqualTo("2");
    assertThat(ref.toString()).isEqualTo("127.0.0.1:5000/fn/hello:2");
  }

  @Test
  void localNameHasNoRegistry() {
    ImageRef ref = ImageRef.parseLocal("hello:1");
    assertThat(ref.registry()).isNull();
    assertThat(ref.localName()).isEqualTo("hello:1");
  }

  @Test
  void digestReference() {
    String hex = "a".repeat(64);
    ImageRef ref = ImageRef.parse("localhost/x@sha256:" + hex);
    assertThat(ref.tag()).isNull();
    assertThat(ref.reference()).isEqualTo("sha256:" + hex);
  }

  @Test
  void uppercaseRepositoryIsRejectedWithAHint() {
    assertThatThrownBy(() -> ImageRef.parseLocal("Hello:1"))
        .hasMessageContaining("invalid repository name 'Hello'")
        .hasMessageContaining("lowercase");
  }

  @Test
  void badDigestIsRejected() {
    assertThatThrownBy(() -> Digest.parse("sha256:xyz")).hasMessageContaining("64 lowercase hex");
    assertThatThrownBy(() -> Digest.parse("md5:abc")).hasMessageContaining("unsupported");
  }
}
