package dev.kiln.image.registry;

import dev.kiln.image.oci.OciJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request the registry refuses, as the distribution spec's error body: {@code
 * {"errors":[{"code":"BLOB_UNKNOWN","message":"...","detail":...}]}}.
 *
 * @see <a
 *     href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes">OCI
 *     distribution spec: error codes</a>
 */
final class RegistryError extends Exception {

  /** The spec's error codes Kiln uses, with their HTTP status. */
  enum Code {
    BLOB_UNKNOWN(404),
    BLOB_UPLOAD_INVALID(400),
    BLOB_UPLOAD_UNKNOWN(404),
    DIGEST_INVALID(400),
    MANIFEST_BLOB_UNKNOWN(400),
    MANIFEST_INVALID(400),
    MANIFEST_UNKNOWN(404),
    NAME_INVALID(400),
    NAME_UNKNOWN(404),
    SIZE_INVALID(400),
    TAG_INVALID(400),
    UNAUTHORIZED(401),
    UNSUPPORTED(405),
    // Not in the spec, which has no code for an unknown path or a chunk sent out of order.
    NOT_FOUND(404),
    RANGE_INVALID(416),
    UNKNOWN(500);

    final int status;

    Code(int status) {
      this.status = status;
    }
  }

  private final Code code;
  private final Object detail;

  RegistryError(Code code, String message) {
    this(code, message, null);
  }

  RegistryError(Code code, String message, Object detail) {
    super(message, null, false, false);
    this.code = code;
    this.detail = detail;
  }

  Code code() {
    return code;
  }

  /** The JSON error body. */
  byte[] body() {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code.name());
    error.put("message", getMessage());
    if (detail != null) {
      error.put("detail", detail);
    }
    return OciJson.write(Map.of("errors", List.of(error)));
  }
}
