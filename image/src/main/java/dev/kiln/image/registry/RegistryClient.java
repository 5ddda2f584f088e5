package dev.kiln.image.registry;

import dev.kiln.common.Digest;
import dev.kiln.common.ImageRef;
import dev.kiln.image.oci.Descriptor;
import dev.kiln.image.store.ImageStore;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pushes images from an {@link ImageStore} to a registry and pulls them into one, over the OCI
 * distribution API. Speaks plain HTTP to {@code localhost}, {@code 127.0.0.1} and registries listed
 * as insecure, HTTPS to the rest. Authenticates only when challenged: Basic with the registry's
 * credentials, or a bearer token from the challenge's realm, cached per scope. Thread-safe; reuse
 * one client.
 *
 * <pre>{@code
 * RegistryClient client = RegistryClient.fromEnvironment(Set.of());
 * Digest pushed = client.push(store, manifest, ImageRef.parse("127.0.0.1:5000/fn/hello:1"),
 *     ProgressListener.NOOP);
 * }</pre>
 */
public final class RegistryClient {

  /** Blobs larger than this are uploaded in chunks. */
  public static final long DEFAULT_CHUNKED_UPLOAD_THRESHOLD = 16L * 1024 * 1024;

  /** The size of each chunk of a chunked upload. */
  public static final int DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;

  private final ClientSettings settings;
  private final HttpClient http;
  private final TokenCache tokens = new TokenCache(Clock.systemUTC());

  private RegistryClient(ClientSettings settings) {
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            // Redirects are followed by hand, to drop credentials when they lead elsewhere.
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** A builder with no credentials, no insecure registries and the default retries. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A client that uses {@code KILN_REGISTRY_USER}/{@code KILN_REGISTRY_PASSWORD}, when set, for any
   * registry that asks for credentials.
   */
  public static RegistryClient fromEnvironment(Set<String> insecureRegistries) {
    Builder b = builder().insecureRegistries(insecureRegistries);
    RegistryCredentials.fromEnvironment().ifPresent(b::defaultCredentials);
    return b.build();
  }

  /**
   * Pushes an image and names it {@code target}; see {@link #push(ImageStore, Descriptor, ImageRef,
   * String, ProgressListener)}.
   */
  public Digest push(
      ImageStore store, Descriptor manifest, ImageRef target, ProgressListener listener)
      throws IOException {
    return push(store, manifest, target, null, listener);
  }

  /**
   * Pushes the image {@code manifest} (an image manifest or an index) from {@code store} to {@code
   * target}'s registry and repository: each blob the registry lacks, then the manifest, tagged with
   * {@code target}'s tag (or by digest if it has none).
   *
   * @param mountFrom a repository on the same registry that probably holds the blobs (the image's
   *     previous version, its base image), asked to mount them instead of uploading; or null
   * @return the manifest's digest
   * @throws RegistryUnauthorizedException if the registry wants other credentials
   * @throws RegistryException if the registry refuses or fails, after retries
   */
  public Digest push(
      ImageStore store,
      Descriptor manifest,
      ImageRef target,
      String mountFrom,
      ProgressListener listener)
      throws IOException {
    String registry = requireRegistry(target);
    List<String> scopes = new ArrayList<>();
    scopes.add("repository:" + target.repository() + ":pull,push");
    if (mountFrom != null && !mountFrom.equals(target.repository())) {
      scopes.add("repository:" + mountFrom + ":pull");
    }
    RegistryTransport transport =
        new RegistryTransport(http, settings, tokens, registry, target.repository(), scopes);
    BlobPusher blobs = new BlobPusher(transport, store, settings, mountFrom, listener);
    return new ImagePusher(transport, store, blobs, listener).push(manifest, target);
  }

  /**
   * Pulls {@code source} into {@code store}, choosing linux/amd64 from an index, and returns the
   * descriptor of the stored image manifest. Blobs already in the store are not downloaded. The
   * image is not named: the caller tags it.
   *
   * @throws ImageNotFoundException if the registry has no such manifest
   * @throws dev.kiln.image.store.BlobDigestMismatchException if a blob or the manifest does not
   *     match its digest; nothing was stored
   * @throws RegistryException for other refusals and failures, after retries
   */
  public Descriptor pull(ImageRef source, ImageStore store, ProgressListener listener)
      throws IOException {
    String registry = requireRegistry(source);
    RegistryTransport transport =
        new RegistryTransport(
            http,
            settings,
            tokens,
            registry,
            source.repository(),
            List.of("repository:" + source.repository() + ":pull"));
    return new ImagePuller(transport, store, listener).pull(source);
  }

  private static String requireRegistry(ImageRef ref) {
    return ref.registryHost()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "image reference " + ref + " names no registry, e.g. 127.0.0.1:5000/" + ref));
  }

  /** Configures a {@link RegistryClient}. */
  public static final class Builder {
    private final Map<String, RegistryCredentials> credentials = new HashMap<>();
    private RegistryCredentials defaultCredentials;
    private final Set<String> insecure = new HashSet<>();
    private int retries = 3;
    private Duration initialBackoff = Duration.ofMillis(200);
    private long chunkedUploadThreshold = DEFAULT_CHUNKED_UPLOAD_THRESHOLD;
    private int chunkSize = DEFAULT_CHUNK_SIZE;

    private Builder() {}

    /** Credentials for one registry, by {@code host:port} or by host. */
    public Builder credentials(String registry, RegistryCredentials value) {
      credentials.put(registry, value);
      return this;
    }

    /** Credentials for every registry without its own. */
    public Builder defaultCredentials(RegistryCredentials value) {
      defaultCredentials = value;
      return this;
    }

    /** Registries ({@code host:port} or host) spoken to over plain HTTP. */
    public Builder insecureRegistries(Set<String> registries) {
      insecure.addAll(registries);
      return this;
    }

    /**
     * Retries after a 5xx answer or a failed connection: {@code retries} more attempts, waiting
     * {@code initialBackoff} and doubling each time (default 3, from 200 ms).
     */
    public Builder retries(int retries, Duration initialBackoff) {
      this.retries = retries;
      this.initialBackoff = initialBackoff;
      return this;
    }

    /** Blobs larger than {@code threshold} bytes are sent in chunks of {@code chunkSize}. */
    public Builder chunkedUploads(long threshold, int chunkSize) {
      this.chunkedUploadThreshold = threshold;
      this.chunkSize = chunkSize;
      return this;
    }

    /** The client. */
    public RegistryClient build() {
      return new RegistryClient(
          new ClientSettings(
              credentials,
              defaultCredentials,
              insecure,
              retries,
              initialBackoff,
              chunkedUploadThreshold,
              chunkSize));
    }
  }
}
