package dev.kiln.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as used throughout the OCI specs: {@code algorithm:hex}. Only sha256 is
 * produced; sha512 is accepted when parsing.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests">OCI
 *     image spec: digests</a>
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {

  private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern SHA512_HEX = Pattern.compile("[a-f0-9]{128}");

  public Digest {
    if ("sha256".equals(algorithm)) {
      if (hex == null || !SHA256_HEX.matcher(hex).matches()) {
        throw new IllegalArgumentException(
            "sha256 digest must be 64 lowercase hex characters, got '" + hex + "'");
      }
    } else if ("sha512".equals(algorithm)) {
      if (hex == null || !SHA512_HEX.matcher(hex).matches()) {
        throw new IllegalArgumentException(
            "sha512 digest must be 128 lowercase hex characters, got '" + hex + "'");
      }
    } else {
      throw new IllegalArgumentException(
          "unsupported digest algorithm '" + algorithm + "' (expected sha256 or sha512)");
    }
  }

  /** Parses {@code sha256:<hex>}. */
  public static Digest parse(String value) {
    if (value == null) {
      throw new IllegalArgumentException("digest is missing");
    }
    int colon = value.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("digest '" + value + "' is not of the form sha256:<hex>");
    }
    return new Digest(value.substring(0, colon), value.substring(colon + 1));
  }

  /** The sha256 digest of {@code bytes}. */
  public static Digest sha256(byte[] bytes) {
    return new Digest("sha256", HexFormat.of().formatHex(newSha256().digest(bytes)));
  }

  /** The sha256 digest of a file's contents, streamed. */
  public static Digest sha256(Path file) throws IOException {
    MessageDigest md = newSha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        md.update(buffer, 0, n);
      }
    }
    return new Digest("sha256", HexFormat.of().formatHex(md.digest()));
  }

  /** Wraps a finished {@link MessageDigest} (sha256) as a digest. */
  public static Digest of(MessageDigest finished) {
    return new Digest("sha256", HexFormat.of().formatHex(finished.digest()));
  }

  /** A fresh sha256 {@link MessageDigest}. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The first 12 hex characters, as {@code docker history} shows them. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  @Override
  public int compareTo(Digest other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
