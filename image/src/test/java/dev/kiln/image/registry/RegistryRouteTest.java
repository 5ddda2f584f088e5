package dev.kiln.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.image.registry.RegistryRoute.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryRouteTest {

  private static final String DIGEST = "sha256:" + "a".repeat(64);

  @Test
  void base() throws Exception {
    assertThat(RegistryRoute.parse("/v2/").kind()).isEqualTo(Kind.BASE);
    assertThat(RegistryRoute.parse("/v2").kind()).isEqualTo(Kind.BASE);
  }

  @Test
  void multiComponentNamesAreReadFromTheRight() throws Exception {
    assertThat(RegistryRoute.parse("/v2/fn/hello/manifests/1"))
        .isEqualTo(new RegistryRoute(Kind.MANIFEST, "fn/hello", "1"));
    assertThat(RegistryRoute.parse("/v2/a/b/c/blobs/" + DIGEST))
        .isEqualTo(new RegistryRoute(Kind.BLOB, "a/b/c", DIGEST));
    assertThat(RegistryRoute.parse("/v2/fn/hello/tags/list"))
        .isEqualTo(new RegistryRoute(Kind.TAGS, "fn/hello", null));
  }

  @Test
  void namesMayContainTheKeywords() throws Exception {
    assertThat(RegistryRoute.parse("/v2/team/blobs/blobs/" + DIGEST))
        .isEqualTo(new RegistryRoute(Kind.BLOB, "team/blobs", DIGEST));
    assertThat(RegistryRoute.parse("/v2/manifests/manifests/latest"))
        .isEqualTo(new RegistryRoute(Kind.MANIFEST, "manifests", "latest"));
  }

  @Test
  void uploads() throws Exception {
    assertThat(RegistryRoute.parse("/v2/fn/hello/blobs/uploads/"))
        .isEqualTo(new RegistryRoute(Kind.UPLOADS, "fn/hello", null));
    assertThat(RegistryRoute.parse("/v2/fn/hello/blobs/uploads"))
        .isEqualTo(new RegistryRoute(Kind.UPLOADS, "fn/hello", null));
    assertThat(RegistryRoute.parse("/v2/fn/hello/blobs/uploads/0b7f"))
        .isEqualTo(new RegistryRoute(Kind.UPLOAD, "fn/hello", "0b7f"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v2/../secrets/manifests/1",
        "/v2/fn/../../etc/blobs/x",
        "/v2/Fn/Hello/manifests/1",
        "/v2//hello/manifests/1",
        "/v2/fn//hello/tags/list",
        "/v2/.kiln-tmp/blobs/uploads/"
      })
  void rejectsInvalidNames(String path) {
    assertThatThrownBy(() -> RegistryRoute.parse(path))
        .isInstanceOfSatisfying(
            RegistryError.class,
            e -> assertThat(e.code()).isEqualTo(RegistryError.Code.NAME_INVALID))
        .hasMessageContaining("invalid repository name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/v1/x", "/v2/hello", "/v2/hello/manifests", "/v2/x/unknown/y"})
  void unknownPaths(String path) {
    assertThatThrownBy(() -> RegistryRoute.parse(path))
        .isInstanceOfSatisfying(
            RegistryError.class, e -> assertThat(e.code()).isEqualTo(RegistryError.Code.NOT_FOUND));
  }
}
