package dev.kiln.gateway.auth;

import dev.kiln.common.Digest;
import dev.kiln.gateway.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates, checks and revokes API keys. A key is {@code kiln_} followed by 43 random base62
 * characters (256 bits); only its sha256 is stored, so a leaked database does not leak keys.
 *
 * <p>A valid key, once checked, is taken as valid for {@link #CACHE_TTL_NANOS} without asking the
 * database again, so that calls with a key cost no round trip each. Revoking a key drops it at once
 * on this control plane; another one sharing the database sees the revocation within a second.
 */
@ApplicationScoped
public class ApiKeys {

  /** Every key starts with this. */
  public static final String PREFIX = "kiln_";

  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final int RANDOM_CHARS = 43;
  private static final int SHOWN_CHARS = PREFIX.length() + 6;
  private static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

  /** How long a key found valid is used without asking the database again. */
  static final long CACHE_TTL_NANOS = 1_000_000_000L;

  private record Valid(ApiKey key, long checkedAt) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Valid> valid = new ConcurrentHashMap<>();
  private final Event<KeyRevoked> revocations;

  /**
   * A CDI event: the key with this hash was revoked; observed after the commit.
   *
   * @param hash the revoked key's sha256
   */
  public record KeyRevoked(String hash) {}

  ApiKeys(Event<KeyRevoked> revocations) {
    this.revocations = revocations;
  }

  /**
   * A key just created: the stored row and the key itself, which is shown once and never again.
   *
   * @param key the stored row
   * @param plain the key
   */
  public record Created(ApiKey key, String plain) {}

  /** Creates a key named {@code name} with {@code scopes}. */
  @Transactional
  public Created create(String name, Set<Scope> scopes) {
    if (name == null || name.isBlank() || name.length() > 100) {
      throw new IllegalArgumentException("a key needs a name of 1 to 100 characters");
    }
    if (scopes == null || scopes.isEmpty()) {
      throw new IllegalArgumentException("a key needs at least one scope: admin, deploy, invoke");
    }
    StringBuilder sb = new StringBuilder(PREFIX);
    for (int i = 0; i < RANDOM_CHARS; i++) {
      sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    String plain = sb.toString();
    ApiKey key = new ApiKey();
    key.name = name.strip();
    key.prefix = plain.substring(0, SHOWN_CHARS);
    key.hash = hash(plain);
    key.scopes = Scope.toList(scopes);
    key.created = Instant.now();
    key.persist();
    return new Created(key, plain);
  }

  /** The sha256 of a key, as stored. */
  public static String hash(String plain) {
    return Digest.sha256(plain.getBytes(StandardCharsets.UTF_8)).hex();
  }

  /** The valid (not revoked) key {@code plain} is, noting its use. */
  @Transactional
  public Optional<ApiKey> authenticate(String plain) {
    if (plain == null || !plain.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String hash = hash(plain);
    long checkedAt = System.nanoTime();
    Valid cached = valid.get(hash);
    if (cached != null && checkedAt - cached.checkedAt() < CACHE_TTL_NANOS) {
      return Optional.of(cached.key());
    }
    Optional<ApiKey> found =
        ApiKey.<ApiKey>find("hash = ?1 and revoked is null", hash).firstResultOptional();
    found.ifPresentOrElse(k -> valid.put(hash, new Valid(k, checkedAt)), () -> valid.remove(hash));
    found.ifPresent(
        k -> {
          Instant now = Instant.now();
          if (k.lastUsed == null || k.lastUsed.isBefore(now.minus(LAST_USED_GRANULARITY))) {
            k.lastUsed = now;
          }
        });
    return found;
  }

  /** Every key, revoked ones included, oldest first. */
  @Transactional
  public List<ApiKey> list() {
    return ApiKey.list("order by id");
  }

  /** How many keys are valid. */
  @Transactional
  public long countValid() {
    return ApiKey.count("revoked is null");
  }

  /** Revokes key {@code id}; it stays listed as revoked. */
  @Transactional
  public ApiKey revoke(long id) {
    ApiKey key = ApiKey.findById(id);
    if (key == null) {
      throw ApiException.notFound("there is no API key with id " + id);
    }
    if (key.revoked == null) {
      key.revoked = Instant.now();
    }
    valid.remove(key.hash);
    revocations.fire(new KeyRevoked(key.hash));
    return key;
  }

  void forgetRevoked(@Observes(during = TransactionPhase.AFTER_SUCCESS) KeyRevoked revoked) {
    valid.remove(revoked.hash());
  }
}
