package dev.kiln.fn;

/**
 * A Kiln function written in Java.
 *
 * <p>The runner loads the class named by the function's {@code handler} setting (for example {@code
 * com.example.Hello}) from {@code classes/} and {@code lib/*.jar} of the code directory, creates
 * one instance with its public no-argument constructor and calls {@link #handle} for every
 * invocation. Invocations may run concurrently on different threads, so an implementation must be
 * thread-safe.
 */
@FunctionalInterface
public interface Handler {

  /**
   * Handles one invocation.
   *
   * @param request the HTTP request the platform forwarded, with the invocation id and deadline
   * @return the response to send back; never {@code null}
   * @throws Exception any failure; the runner answers 500 with the exception's type and message and
   *     keeps serving
   */
  Response handle(Request request) throws Exception;
}
