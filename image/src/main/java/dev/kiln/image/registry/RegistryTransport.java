package dev.kiln.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.image.oci.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * HTTP to one repository of one registry: adds authorization (anonymous first, then what the {@code
 * WWW-Authenticate} challenge asks for), retries 5xx answers and connection failures with
 * exponential backoff, and follows redirects for downloads without leaking credentials to another
 * host. Not thread-safe: one per push or pull.
 *
 * @see <a href="https://distribution.github.io/distribution/spec/auth/token/">Docker token
 *     authentication</a>
 */
final class RegistryTransport {

  /** Timeout for requests with small bodies; blob transfers have none beyond the connection's. */
  static final Duration SHORT = Duration.ofSeconds(60);

  private static final int MAX_REDIRECTS = 5;
  private static final int MAX_ERROR_BODY = 64 * 1024;
  private static final long DEFAULT_TOKEN_SECONDS = 60;
  private static final long BASIC_SECONDS = 3600;

  /** Produces a request body; called again for each attempt. */
  @FunctionalInterface
  interface BodySource {
    HttpRequest.BodyPublisher open() throws IOException;
  }

  /** One request: what to send and what Kiln is doing, for error messages. */
  record Call(
      String method,
      URI uri,
      String action,
      Map<String, String> headers,
      BodySource body,
      Duration timeout) {
    Call {
      headers = Map.copyOf(headers);
    }

    static Call of(String method, URI uri, String action) {
      return new Call(method, uri, action, Map.of(), null, SHORT);
    }

    Call header(String name, String value) {
      Map<String, String> h = new HashMap<>(headers);
      h.put(name, value);
      return new Call(method, uri, action, h, body, timeout);
    }

    Call body(BodySource source, Duration newTimeout) {
      return new Call(method, uri, action, headers, source, newTimeout);
    }
  }

  private final HttpClient http;
  private final ClientSettings settings;
  private final TokenCache tokens;
  private final String registry;
  private final String repository;
  private final List<String> scopes;
  private final Optional<RegistryCredentials> credentials;
  private final String cacheKey;
  private String authorization;

  RegistryTransport(
      HttpClient http,
      ClientSettings settings,
      TokenCache tokens,
      String registry,
      String repository,
      List<String> scopes) {
    this.http = http;
    this.settings = settings;
    this.tokens = tokens;
    this.registry = registry;
    this.repository = repository;
    this.scopes = List.copyOf(scopes);
    this.credentials = settings.credentialsFor(registry);
    this.cacheKey = registry + "|" + String.join(" ", new TreeSet<>(scopes));
    this.authorization = tokens.get(cacheKey).orElse(null);
  }

  String registry() {
    return registry;
  }

  String repository() {
    return repository;
  }

  /** {@code /v2/<repository><suffix>} on this registry. */
  URI repositoryUrl(String suffix) {
    return URI.create(
        settings.schemeFor(registry) + "://" + registry + "/v2/" + repository + suffix);
  }

  /** Sends a call and reads the (small) answer into memory. */
  HttpResponse<byte[]> send(Call call) throws IOException {
    return send(call, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Sends a call and returns the answer as a stream, which the caller must close. */
  HttpResponse<InputStream> stream(Call call) throws IOException {
    return send(call, HttpResponse.BodyHandlers.ofInputStream());
  }

  private <T> HttpResponse<T> send(Call call, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    URI uri = call.uri();
    boolean sameRegistry = true;
    boolean reauthorized = false;
    int attempt = 0;
    int redirects = 0;
    while (true) {
      HttpResponse<T> response;
      try {
        response = http.send(request(call, uri, sameRegistry), handler);
      } catch (IOException e) {
        if (attempt < settings.retries()) {
          pause(attempt++);
          continue;
        }
        throw unreachable(call.action(), e, attempt + 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while " + call.action());
      }
      int status = response.statusCode();
      if (status == 401 && sameRegistry) {
        byte[] body = drain(response);
        if (!reauthorized && authorize(response, call.action())) {
          reauthorized = true;
          continue;
        }
        tokens.remove(cacheKey);
        throw new RegistryUnauthorizedException(
            registry,
            repository,
            call.action(),
            401,
            credentials.isPresent(),
            ErrorBody.describe(body));
      }
      if (status == 403) {
        throw new RegistryUnauthorizedException(
            registry,
            repository,
            call.action(),
            403,
            credentials.isPresent(),
            ErrorBody.describe(drain(response)));
      }
      if (isRedirect(status) && (call.method().equals("GET") || call.method().equals("HEAD"))) {
        drain(response);
        if (++redirects > MAX_REDIRECTS) {
          throw failure(call.action(), status, "too many redirects", attempt + 1);
        }
        uri = Locations.resolve(uri, response.headers().firstValue("Location").orElse(null));
        // Blob downloads are often redirected to storage with a signed URL, which rejects (or
        // must not see) the registry's credentials.
        sameRegistry = registry.equalsIgnoreCase(uri.getRawAuthority());
        continue;
      }
      if ((status >= 500 || status == 429) && attempt < settings.retries()) {
        drain(response);
        pause(attempt++);
        continue;
      }
      if (status >= 500 || status == 429) {
        throw failure(call.action(), status, ErrorBody.describe(drain(response)), attempt + 1);
      }
      return response;
    }
  }

  private HttpRequest request(Call call, URI uri, boolean withAuthorization) throws IOException {
    HttpRequest.BodyPublisher body =
        call.body() == null ? HttpRequest.BodyPublishers.noBody() : call.body().open();
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(call.method(), body);
    if (call.timeout() != null) {
      b.timeout(call.timeout());
    }
    call.headers().forEach(b::header);
    if (withAuthorization && authorization != null) {
      b.header("Authorization", authorization);
    }
    return b.build();
  }

  /** Answers a 401 challenge; false when there is nothing Kiln can answer it with. */
  private boolean authorize(HttpResponse<?> response, String action) throws IOException {
    Optional<AuthChallenge> challenge =
        AuthChallenge.choose(response.headers().allValues("WWW-Authenticate"));
    if (challenge.isEmpty()) {
      return false;
    }
    if (challenge.get().isBasic()) {
      if (credentials.isEmpty()) {
        return false;
      }
      authorization = basic(credentials.get());
      tokens.put(cacheKey, authorization, BASIC_SECONDS);
      return true;
    }
    authorization = fetchToken(challenge.get(), action);
    return true;
  }

  /** Gets a bearer token from the challenge's realm, for this transport's scopes. */
  private String fetchToken(AuthChallenge challenge, String action) throws IOException {
    String realm =
        challenge
            .param("realm")
            .orElseThrow(
                () ->
                    failure(
                        action, 401, "Bearer challenge without a realm: cannot get a token", 1));
    List<String> wanted = new ArrayList<>(scopes);
    challenge.param("scope").filter(s -> !wanted.contains(s)).ifPresent(wanted::add);
    StringBuilder query = new StringBuilder();
    challenge.param("service").ifPresent(s -> appendParam(query, "service", s));
    for (String scope : wanted) {
      appendParam(query, "scope", scope);
    }
    URI uri =
        URI.create(realm + (query.length() == 0 ? "" : (realm.contains("?") ? "&" : "?") + query));
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(SHORT);
    credentials.ifPresent(c -> b.header("Authorization", basic(c)));
    String doing = "fetching a token for " + action;
    HttpResponse<byte[]> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw unreachable(doing, e, 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while " + doing);
    }
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      throw new RegistryUnauthorizedException(
          registry,
          repository,
          action,
          status,
          credentials.isPresent(),
          ErrorBody.describe(response.body()));
    }
    if (status != 200) {
      throw failure(doing, status, ErrorBody.describe(response.body()), 1);
    }
    JsonNode json;
    try {
      json = OciJson.mapper().readTree(response.body());
    } catch (IOException e) {
      throw failure(doing, status, "token response is not JSON", 1);
    }
    String token = json.path("token").asText("");
    if (token.isEmpty()) {
      token = json.path("access_token").asText("");
    }
    if (token.isEmpty()) {
      throw failure(doing, status, "token response has neither token nor access_token", 1);
    }
    String value = "Bearer " + token;
    tokens.put(cacheKey, value, json.path("expires_in").asLong(DEFAULT_TOKEN_SECONDS));
    return value;
  }

  private static void appendParam(StringBuilder query, String name, String value) {
    if (query.length() > 0) {
      query.append('&');
    }
    query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  private static String basic(RegistryCredentials c) {
    String pair = c.username() + ":" + c.password();
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private void pause(int attempt) throws InterruptedIOException {
    try {
      Thread.sleep(settings.backoff(attempt).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }

  /** An answer the caller did not expect, with the registry's explanation. */
  RegistryException unexpected(HttpResponse<?> response, String action) throws IOException {
    return failure(action, response.statusCode(), ErrorBody.describe(drain(response)), 1);
  }

  RegistryException failure(String action, int status, String registryMessage, int attempts) {
    String message =
        "registry "
            + registry
            + " answered "
            + status
            + " for repository "
            + repository
            + " while "
            + action
            + (registryMessage == null ? "" : ": " + registryMessage)
            + (attempts > 1 ? " (gave up after " + attempts + " attempts)" : "");
    return new RegistryException(
        message, registry, repository, action, status, registryMessage, null);
  }

  private RegistryException unreachable(String action, IOException cause, int attempts) {
    String reason =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    String message =
        "cannot reach registry "
            + registry
            + " while "
            + action
            + " for repository "
            + repository
            + ": "
            + reason
            + " (gave up after "
            + attempts
            + " attempts); check that the registry is running and reachable"
            + (settings.schemeFor(registry).equals("https")
                ? ", and list it as an insecure registry if it speaks plain HTTP"
                : "");
    return new RegistryException(message, registry, repository, action, 0, null, cause);
  }

  /** Reads what is left of an answer (bounded), closing a stream body. */
  static byte[] drain(HttpResponse<?> response) throws IOException {
    Object body = response.body();
    if (body instanceof byte[] bytes) {
      return bytes;
    }
    if (body instanceof InputStream in) {
      try (in) {
        return in.readNBytes(MAX_ERROR_BODY);
      }
    }
    return new byte[0];
  }
}
