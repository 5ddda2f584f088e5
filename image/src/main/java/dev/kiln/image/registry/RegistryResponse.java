package dev.kiln.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer of the registry API, independent of any HTTP server. For {@code HEAD} the body is empty
 * and the {@code Content-Length} header says what a {@code GET} would send.
 *
 * @param status the HTTP status
 * @param headers response headers, one value each
 * @param body what to send
 */
public record RegistryResponse(int status, Map<String, String> headers, Body body) {

  public RegistryResponse {
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    body = body == null ? Bytes.EMPTY : body;
  }

  /** A response body. */
  public sealed interface Body permits Bytes, Stream {
    /** Its length in bytes. */
    long length();

    /** Writes it; does not close {@code out}. */
    void writeTo(OutputStream out) throws IOException;
  }

  /** A body held in memory. */
  public record Bytes(byte[] bytes) implements Body {
    /** No body. */
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    @Override
    public long length() {
      return bytes.length;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      out.write(bytes);
    }
  }

  /** A body streamed from a source opened only when it is sent (a blob file). */
  public record Stream(long length, Source source) implements Body {
    @Override
    public void writeTo(OutputStream out) throws IOException {
      try (InputStream in = source.open()) {
        in.transferTo(out);
      }
    }
  }

  /** Opens a stream body. */
  @FunctionalInterface
  public interface Source {
    /** Opens the bytes to send. */
    InputStream open() throws IOException;
  }

  /** A header value, matching the name case-insensitively; null if absent. */
  public String header(String name) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }
}
