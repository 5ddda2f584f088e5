package dev.kiln.runtime;

/**
 * A request the runner cannot read: answered with {@link #status} and the message, after which the
 * connection is closed because its framing can no longer be trusted.
 */
final class HttpException extends Exception {

  private final int status;

  HttpException(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
