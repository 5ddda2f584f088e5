package dev.kiln.common;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A reference to an image: {@code [registry/]repository[:tag][@digest]}. Follows Docker's defaults:
 * no registry means {@code docker.io}, and a single-component repository on docker.io lives under
 * {@code library/}. A reference without tag or digest means tag {@code latest}.
 *
 * @param registry host[:port], or {@code null} for a purely local name
 * @param repository path of the repository, e.g. {@code library/alpine}
 * @param tag the tag, or {@code null} when a digest is given without a tag
 * @param digest the manifest digest, or {@code null}
 */
public record ImageRef(String registry, String repository, String tag, Digest digest) {

  public static final String DOCKER_HUB = "docker.io";

  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  public ImageRef {
    if (repository == null || !REPOSITORY.matcher(repository).matches()) {
      throw new IllegalArgumentException(
          "invalid repository name '"
              + repository
              + "': use lowercase letters, digits and separators (. _ -), with / between parts");
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "invalid tag '" + tag + "': use letters, digits, _ . - (at most 128 characters)");
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
  }

  /**
   * Parses a reference as a registry client sees it: a first component with a dot, a colon or equal
   * to {@code localhost} is a registry; otherwise the registry is docker.io.
   */
  public static ImageRef parse(String reference) {
    return parse(reference, true);
  }

  /**
   * Parses a local image name such as {@code hello:1}: no registry is assumed when the name has
   * none.
   */
  public static ImageRef parseLocal(String reference) {
    return parse(reference, false);
  }

  private static ImageRef parse(String reference, boolean defaultToDockerHub) {
    if (reference == null || reference.isBlank()) {
      throw new IllegalArgumentException("image reference is empty");
    }
    String rest = reference.trim();
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = Digest.parse(rest.substring(at + 1));
      rest = rest.substring(0, at);
    }
    String registry = null;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
        rest = rest.substring(slash + 1);
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    if (registry == null && defaultToDockerHub) {
      registry = DOCKER_HUB;
    }
    if (DOCKER_HUB.equals(registry) && !rest.contains("/")) {
      rest = "library/" + rest;
    }
    return new ImageRef(registry, rest, tag, digest);
  }

  /** The same repository with another tag. */
  public ImageRef withTag(String newTag) {
    return new ImageRef(registry, repository, newTag, null);
  }

  /** The same repository pinned to a digest. */
  public ImageRef withDigest(Digest newDigest) {
    return new ImageRef(registry, repository, tag, newDigest);
  }

  /** The registry, if the reference names one. */
  public Optional<String> registryHost() {
    return Optional.ofNullable(registry);
  }

  /** Tag or digest, as used in a manifest URL: {@code /v2/<name>/manifests/<reference>}. */
  public String reference() {
    return digest != null ? digest.toString() : tag;
  }

  /** {@code repository:tag} without the registry, as stored in an OCI layout ref name. */
  public String localName() {
    return repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }

  @Override
  public String toString() {
    return (registry != null ? registry + "/" : "") + localName();
  }
}
