package dev.kiln.gateway.boot;

import io.quarkus.runtime.LaunchMode;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.ConfigProvider;

/** The URL clients reach this control plane at: {@code kiln.public-url}, else localhost. */
@ApplicationScoped
public class PublicUrl {

  private final String url;

  PublicUrl(KilnConfig config) {
    this.url =
        stripSlash(config.publicUrl().orElseGet(() -> "http://localhost:" + listeningPort()));
  }

  private static int listeningPort() {
    var c = ConfigProvider.getConfig();
    if (LaunchMode.current() == LaunchMode.TEST) {
      return c.getOptionalValue("quarkus.http.test-port", Integer.class).orElse(8081);
    }
    return c.getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** The base URL, without a trailing slash, e.g. {@code http://localhost:8080}. */
  public String url() {
    return url;
  }
}
