package dev.kiln.runtime;

/**
 * Specialising failed. Carries the HTTP status {@code /init} answers with and whether the
 * function's own code failed (its static initialiser or constructor threw) rather than the request
 * or the code directory being wrong.
 */
final class InitException extends Exception {

  private final int status;
  private final boolean functionError;

  InitException(int status, String message) {
    super(message);
    this.status = status;
    this.functionError = false;
  }

  InitException(String message, Throwable functionFailure) {
    super(message, functionFailure);
    this.status = 500;
    this.functionError = true;
  }

  int status() {
    return status;
  }

  boolean functionError() {
    return functionError;
  }
}
