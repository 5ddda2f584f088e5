package dev.kiln.image.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorBodyTest {

  private static String describe(String body) {
    return ErrorBody.describe(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void joinsSpecErrors() {
    assertThat(
            describe(
                "{\"errors\":[{\"code\":\"MANIFEST_BLOB_UNKNOWN\",\"message\":\"blob unknown to"
                    + " registry\",\"detail\":\"sha256:00\"},{\"code\":\"DENIED\"}]}"))
        .isEqualTo("blob unknown to registry (MANIFEST_BLOB_UNKNOWN); DENIED");
  }

  @Test
  void fallsBackToTextForOtherBodies() {
    assertThat(describe("<html>\n  <body>Bad   Gateway</body></html>"))
        .isEqualTo("<html> <body>Bad Gateway</body></html>");
    assertThat(describe("{\"message\":\"no errors array\"}"))
        .isEqualTo("{\"message\":\"no errors array\"}");
  }

  @Test
  void nothingForEmptyBodies() {
    assertThat(ErrorBody.describe(new byte[0])).isNull();
    assertThat(describe("  \n")).isNull();
  }

  @Test
  void truncatesLongText() {
    assertThat(describe("x".repeat(1000))).hasSize(303).endsWith("...");
  }
}
