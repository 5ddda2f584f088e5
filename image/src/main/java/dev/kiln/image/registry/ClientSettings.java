package dev.kiln.image.registry;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** How a {@link RegistryClient} talks to registries; built by {@link RegistryClient.Builder}. */
record ClientSettings(
    Map<String, RegistryCredentials> credentials,
    RegistryCredentials defaultCredentials,
    Set<String> insecureRegistries,
    int retries,
    Duration initialBackoff,
    long chunkedUploadThreshold,
    int chunkSize) {

  ClientSettings {
    credentials = Map.copyOf(credentials);
    insecureRegistries = Set.copyOf(insecureRegistries);
    if (retries < 0) {
      throw new IllegalArgumentException("retries must be >= 0, got " + retries);
    }
    if (chunkSize <= 0) {
      throw new IllegalArgumentException("chunk size must be positive, got " + chunkSize);
    }
  }

  /** Credentials for {@code host:port}, then for the bare host, then the default ones. */
  Optional<RegistryCredentials> credentialsFor(String registry) {
    RegistryCredentials c = credentials.get(registry);
    if (c == null) {
      c = credentials.get(hostOf(registry));
    }
    return Optional.ofNullable(c != null ? c : defaultCredentials);
  }

  /**
   * {@code http} for loopback registries and those listed as insecure, {@code https} for the rest.
   */
  String schemeFor(String registry) {
    String host = hostOf(registry);
    boolean plain =
        host.equals("localhost")
            || host.equals("127.0.0.1")
            || host.equals("[::1]")
            || insecureRegistries.contains(registry)
            || insecureRegistries.contains(host);
    return plain ? "http" : "https";
  }

  /** The host of {@code host[:port]} (IPv6 literals keep their brackets). */
  static String hostOf(String registry) {
    String r = registry.toLowerCase(Locale.ROOT);
    if (r.startsWith("[")) {
      int end = r.indexOf(']');
      return end > 0 ? r.substring(0, end + 1) : r;
    }
    int colon = r.lastIndexOf(':');
    return colon >= 0 ? r.substring(0, colon) : r;
  }

  /** How long to wait before retry number {@code attempt} (0-based): doubling each time. */
  Duration backoff(int attempt) {
    return initialBackoff.multipliedBy(1L << Math.min(attempt, 10));
  }
}
