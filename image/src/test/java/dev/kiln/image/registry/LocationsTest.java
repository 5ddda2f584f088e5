package dev.kiln.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class LocationsTest {

  private static final URI REQUEST = URI.create("http://127.0.0.1:5000/v2/fn/hello/blobs/uploads/");

  @Test
  void resolvesRelativeLocationAgainstTheRequest() {
    assertThat(Locations.resolve(REQUEST, "/v2/fn/hello/blobs/uploads/abc?_state=x%3D%3D"))
        .hasToString("http://127.0.0.1:5000/v2/fn/hello/blobs/uploads/abc?_state=x%3D%3D");
  }

  @Test
  void keepsAbsoluteLocationOnAnotherHost() {
    assertThat(Locations.resolve(REQUEST, "https://storage.example/upload/abc?sig=1"))
        .hasToString("https://storage.example/upload/abc?sig=1");
  }

  @Test
  void rejectsMissingLocation() {
    assertThatThrownBy(() -> Locations.resolve(REQUEST, null))
        .hasMessage("the registry sent no Location header");
  }

  @Test
  void appendsDigestAfterAnExistingQuery() {
    URI withState = URI.create("http://r/v2/a/blobs/uploads/1?_state=abc");
    assertThat(Locations.withQueryParam(withState, "digest", "sha256:00"))
        .hasToString("http://r/v2/a/blobs/uploads/1?_state=abc&digest=sha256%3A00");
  }

  @Test
  void startsAQueryWhenThereIsNone() {
    URI plain = URI.create("http://r/v2/a/blobs/uploads/1");
    assertThat(Locations.withQueryParam(plain, "digest", "sha256:00"))
        .hasToString("http://r/v2/a/blobs/uploads/1?digest=sha256%3A00");
  }
}
