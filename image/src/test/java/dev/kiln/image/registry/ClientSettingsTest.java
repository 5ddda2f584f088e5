package dev.kiln.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientSettingsTest {

  private static final RegistryCredentials PORT_CREDS = new RegistryCredentials("a", "1");
  private static final RegistryCredentials HOST_CREDS = new RegistryCredentials("b", "2");
  private static final RegistryCredentials DEFAULT = new RegistryCredentials("c", "3");

  private final ClientSettings settings =
      new ClientSettings(
          Map.of("reg.example:5000", PORT_CREDS, "other.example", HOST_CREDS),
          DEFAULT,
          Set.of("insecure.example", "lan.example:8080"),
          3,
          Duration.ofMillis(200),
          16,
          8);

  @Test
  void plainHttpOnlyForLoopbackAndListedRegistries() {
    assertThat(settings.schemeFor("localhost:5000")).isEqualTo("http");
    assertThat(settings.schemeFor("127.0.0.1:5000")).isEqualTo("http");
    assertThat(settings.schemeFor("insecure.example:443")).isEqualTo("http");
    assertThat(settings.schemeFor("lan.example:8080")).isEqualTo("http");
    assertThat(settings.schemeFor("lan.example:9090")).isEqualTo("https");
    assertThat(settings.schemeFor("registry-1.docker.io")).isEqualTo("https");
  }

  @Test
  void credentialsByHostAndPortThenHostThenDefault() {
    assertThat(settings.credentialsFor("reg.example:5000")).contains(PORT_CREDS);
    assertThat(settings.credentialsFor("other.example:443")).contains(HOST_CREDS);
    assertThat(settings.credentialsFor("docker.io")).contains(DEFAULT);
  }

  @Test
  void backoffDoubles() {
    assertThat(settings.backoff(0)).isEqualTo(Duration.ofMillis(200));
    assertThat(settings.backoff(1)).isEqualTo(Duration.ofMillis(400));
    assertThat(settings.backoff(2)).isEqualTo(Duration.ofMillis(800));
  }

  @Test
  void environmentCredentialsNeedBothVariables() {
    assertThat(
            RegistryCredentials.fromEnvironment(
                Map.of("KILN_REGISTRY_USER", "u", "KILN_REGISTRY_PASSWORD", "p")))
        .contains(new RegistryCredentials("u", "p"));
    assertThat(RegistryCredentials.fromEnvironment(Map.of())).isEmpty();
    assertThatThrownBy(() -> RegistryCredentials.fromEnvironment(Map.of("KILN_REGISTRY_USER", "u")))
        .hasMessage("set both KILN_REGISTRY_USER and KILN_REGISTRY_PASSWORD, or neither");
  }

  @Test
  void credentialsNeverShowThePassword() {
    assertThat(new RegistryCredentials("kiln", "s3cret").toString()).doesNotContain("s3cret");
  }
}
