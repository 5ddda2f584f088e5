package dev.kiln.image.registry;

import java.util.LinkedHashMap;
import java.util.Map;

/** Assembles a {@link RegistryResponse}. */
final class ResponseBuilder {

  private final int status;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private RegistryResponse.Body body = RegistryResponse.Bytes.EMPTY;

  private ResponseBuilder(int status) {
    this.status = status;
  }

  static ResponseBuilder status(int status) {
    return new ResponseBuilder(status);
  }

  ResponseBuilder header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** The body and its {@code Content-Length}; a HEAD request gets the length but no bytes. */
  ResponseBuilder body(RegistryResponse.Body value, boolean head) {
    headers.put("Content-Length", Long.toString(value.length()));
    body = head ? RegistryResponse.Bytes.EMPTY : value;
    return this;
  }

  ResponseBuilder json(byte[] json) {
    headers.put("Content-Type", "application/json");
    return body(new RegistryResponse.Bytes(json), false);
  }

  RegistryResponse build() {
    return new RegistryResponse(status, headers, body);
  }
}
