package dev.kiln.image.registry;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code Authorization} header values per registry and scope, so that a push of many blobs fetches
 * one token, not one per request. Entries end a little before the token does.
 */
final class TokenCache {

  private record Entry(String authorization, Instant expires) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;

  TokenCache(Clock clock) {
    this.clock = clock;
  }

  Optional<String> get(String key) {
    Entry e = entries.get(key);
    if (e == null || !clock.instant().isBefore(e.expires())) {
      return Optional.empty();
    }
    return Optional.of(e.authorization());
  }

  /** Keeps {@code authorization} for {@code lifetimeSeconds}, less a safety margin. */
  void put(String key, String authorization, long lifetimeSeconds) {
    long usable = Math.max(1, lifetimeSeconds - Math.min(30, lifetimeSeconds / 10));
    entries.put(key, new Entry(authorization, clock.instant().plusSeconds(usable)));
  }

  void remove(String key) {
    entries.remove(key);
  }
}
