package dev.kiln.image.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

  @Test
  void parsesBearerWithQuotedCommas() {
    List<AuthChallenge> c =
        AuthChallenge.parse(
            "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/alpine:pull,push\"");

    assertThat(c).hasSize(1);
    assertThat(c.get(0).isBearer()).isTrue();
    assertThat(c.get(0).params())
        .containsExactly(
            Map.entry("realm", "https://auth.docker.io/token"),
            Map.entry("service", "registry.docker.io"),
            Map.entry("scope", "repository:library/alpine:pull,push"));
  }

  @Test
  void parsesBasicWithUnquotedValueAndOddSpacing() {
    List<AuthChallenge> c = AuthChallenge.parse("basic   Realm = kiln , charset=\"UTF-8\"");

    assertThat(c).hasSize(1);
    assertThat(c.get(0).isBasic()).isTrue();
    assertThat(c.get(0).param("realm")).contains("kiln");
    assertThat(c.get(0).param("charset")).contains("UTF-8");
  }

  @Test
  void parsesEscapesInQuotedValues() {
    assertThat(AuthChallenge.parse("Basic realm=\"say \\\"hi\\\"\"").get(0).param("realm"))
        .contains("say \"hi\"");
  }

  @Test
  void splitsSeveralChallengesInOneHeaderAndPrefersBearer() {
    String header = "Basic realm=\"a\", Bearer realm=\"https://t/token\",service=\"s\"";

    assertThat(AuthChallenge.parse(header))
        .extracting(AuthChallenge::scheme)
        .containsExactly("Basic", "Bearer");
    assertThat(AuthChallenge.choose(List.of(header)))
        .get()
        .satisfies(c -> assertThat(c.param("realm")).contains("https://t/token"));
  }

  @Test
  void choosesNothingFromUnknownSchemes() {
    assertThat(AuthChallenge.choose(List.of("Negotiate", "Digest realm=\"x\""))).isEmpty();
    assertThat(AuthChallenge.choose(List.of())).isEmpty();
  }
}
