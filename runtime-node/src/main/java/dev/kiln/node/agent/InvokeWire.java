package dev.kiln.node.agent;

import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.InvocationResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The invoke endpoint's wire format, kept lean because every function call crosses it: the
 * function's request and answer travel as the raw HTTP body, and everything else in headers.
 *
 * <p>Request: {@code X-Kiln-Method}, {@code X-Kiln-Path}, {@code X-Kiln-Query}, {@code
 * X-Kiln-Invocation-Id}, {@code X-Kiln-Deadline} (epoch milliseconds) and the function's own
 * headers as {@code X-Kiln-H-<name>}. Answer: {@code X-Kiln-Result} with one of the result kinds,
 * the function's status and body as the HTTP status and body, its headers again as {@code
 * X-Kiln-H-<name>}, and per kind {@code X-Kiln-Took-Micros}, {@code X-Kiln-Message}, {@code
 * X-Kiln-Log-Tail}, {@code X-Kiln-Limit-Millis} or {@code X-Kiln-Limit-MiB}.
 *
 * <p>The function's headers keep the prefix in both directions so that they never mix with the
 * hop's own ({@code Content-Length}, {@code Date}, {@code Connection}, {@code Authorization}).
 * Their names arrive in lowercase (header names are case-insensitive, and servers normalise them).
 * Text values are percent-encoded where HTTP could not carry them as they are ({@link Escapes}).
 */
final class InvokeWire {

  static final String METHOD = "X-Kiln-Method";
  static final String PATH = "X-Kiln-Path";
  static final String QUERY = "X-Kiln-Query";
  static final String ID = "X-Kiln-Invocation-Id";
  static final String DEADLINE = "X-Kiln-Deadline";
  static final String HEADER_PREFIX = "X-Kiln-H-";
  static final String RESULT = "X-Kiln-Result";
  static final String TOOK = "X-Kiln-Took-Micros";
  static final String MESSAGE = "X-Kiln-Message";
  static final String LOG_TAIL = "X-Kiln-Log-Tail";
  static final String LIMIT_MILLIS = "X-Kiln-Limit-Millis";
  static final String LIMIT_MIB = "X-Kiln-Limit-MiB";

  static final String OK = "ok";
  static final String ERROR = "function-error";
  static final String TIMEOUT = "timeout";
  static final String OOM = "out-of-memory";
  static final String REJECTED = "rejected";

  /** Status of the agent's answer when the function gave none of its own. */
  static final int TIMEOUT_STATUS = 504;

  static final int OOM_STATUS = 502;
  static final int REJECTED_STATUS = 503;

  /** Messages are cut to this many characters, log tails to their last this many. */
  static final int MAX_TEXT = 16 * 1024;

  private InvokeWire() {}

  // ---- client side: invocation out, result in ----

  /** Adds an invocation's metadata and headers to a request. */
  static void writeInvocation(Invocation invocation, BiConsumer<String, String> header) {
    header.accept(METHOD, invocation.method());
    header.accept(PATH, Escapes.headerValue(invocation.path()));
    if (!invocation.query().isEmpty()) {
      header.accept(QUERY, Escapes.headerValue(invocation.query()));
    }
    header.accept(ID, Escapes.headerValue(invocation.id()));
    header.accept(DEADLINE, Long.toString(invocation.deadline().toEpochMilli()));
    invocation
        .headers()
        .forEach(
            (name, values) -> {
              for (String value : values) {
                header.accept(HEADER_PREFIX + name, Escapes.headerValue(value));
              }
            });
  }

  /**
   * Reads the agent's answer to an invocation.
   *
   * @return null when the answer carries no {@code X-Kiln-Result}: the agent failed the call
   *     itself, and the body is a JSON problem
   */
  static InvocationResult readResult(int status, Map<String, List<String>> headers, byte[] body) {
    Map<String, List<String>> h = caseInsensitive(headers);
    String kind = first(h, RESULT);
    if (kind == null) {
      return null;
    }
    return switch (kind) {
      case OK ->
          new InvocationResult.Ok(
              status, functionHeaders(h), body, Duration.ofNanos(number(h, TOOK) * 1000));
      case ERROR ->
          new InvocationResult.FunctionError(
              status, functionHeaders(h), body, text(h, MESSAGE), text(h, LOG_TAIL));
      case TIMEOUT ->
          new InvocationResult.Timeout(
              Duration.ofMillis(number(h, LIMIT_MILLIS)), text(h, MESSAGE));
      case OOM -> new InvocationResult.OutOfMemory((int) number(h, LIMIT_MIB), text(h, MESSAGE));
      case REJECTED -> new InvocationResult.Rejected(text(h, MESSAGE));
      default ->
          throw new IllegalArgumentException(
              "unknown "
                  + RESULT
                  + " '"
                  + kind
                  + "' (expected ok, function-error, timeout,"
                  + " out-of-memory or rejected)");
    };
  }

  // ---- server side: invocation in, result out ----

  /**
   * Reads an invocation from the request's headers and body.
   *
   * @throws IllegalArgumentException naming the header that is missing or bad
   */
  static Invocation readInvocation(Map<String, List<String>> headers, byte[] body) {
    Map<String, List<String>> h = caseInsensitive(headers);
    String deadline = required(h, DEADLINE, "epoch milliseconds by which the function must answer");
    long deadlineMillis;
    try {
      deadlineMillis = Long.parseLong(deadline.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          DEADLINE + " must be epoch milliseconds, got '" + deadline + "'");
    }
    String query = first(h, QUERY);
    return new Invocation(
        Escapes.decode(required(h, ID, "the invocation id")),
        required(h, METHOD, "the function's HTTP method"),
        Escapes.decode(required(h, PATH, "the path below the function's route")),
        query == null ? "" : Escapes.decode(query),
        functionHeaders(h),
        body,
        Instant.ofEpochMilli(deadlineMillis));
  }

  /** The agent's answer for a result. */
  static AgentResponse writeResult(InvocationResult result) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put(RESULT, List.of(kind(result)));
    if (result instanceof InvocationResult.Ok ok) {
      long micros = ok.took() == null ? 0 : ok.took().toNanos() / 1000;
      h.put(TOOK, List.of(Long.toString(micros)));
      putFunctionHeaders(h, ok.headers());
      return new AgentResponse(ok.status(), h, ok.body());
    }
    if (result instanceof InvocationResult.FunctionError e) {
      putText(h, MESSAGE, head(e.message()));
      putText(h, LOG_TAIL, tail(e.logTail()));
      putFunctionHeaders(h, e.headers());
      return new AgentResponse(e.status(), h, e.body());
    }
    if (result instanceof InvocationResult.Timeout t) {
      h.put(LIMIT_MILLIS, List.of(Long.toString(t.limit() == null ? 0 : t.limit().toMillis())));
      putText(h, MESSAGE, head(t.message()));
      return new AgentResponse(TIMEOUT_STATUS, h, null);
    }
    if (result instanceof InvocationResult.OutOfMemory o) {
      h.put(LIMIT_MIB, List.of(Integer.toString(o.limitMiB())));
      putText(h, MESSAGE, head(o.message()));
      return new AgentResponse(OOM_STATUS, h, null);
    }
    InvocationResult.Rejected r = (InvocationResult.Rejected) result;
    putText(h, MESSAGE, head(r.reason()));
    return new AgentResponse(REJECTED_STATUS, h, null);
  }

  /** The discriminator of a result, as in {@code X-Kiln-Result} and the JSON {@code "kind"}. */
  static String kind(InvocationResult result) {
    if (result instanceof InvocationResult.Ok) {
      return OK;
    } else if (result instanceof InvocationResult.FunctionError) {
      return ERROR;
    } else if (result instanceof InvocationResult.Timeout) {
      return TIMEOUT;
    } else if (result instanceof InvocationResult.OutOfMemory) {
      return OOM;
    } else if (result instanceof InvocationResult.Rejected) {
      return REJECTED;
    }
    throw new IllegalArgumentException("no invocation result: " + result);
  }

  // ---- helpers ----

  private static Map<String, List<String>> caseInsensitive(Map<String, List<String>> headers) {
    if (headers instanceof TreeMap<String, List<String>> t
        && t.comparator() == String.CASE_INSENSITIVE_ORDER) {
      return headers;
    }
    TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> h.merge(k, v, InvokeWire::concat));
    return h;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static Map<String, List<String>> functionHeaders(Map<String, List<String>> headers) {
    Map<String, List<String>> out = new TreeMap<>();
    headers.forEach(
        (name, values) -> {
          if (name.length() > HEADER_PREFIX.length()
              && name.regionMatches(true, 0, HEADER_PREFIX, 0, HEADER_PREFIX.length())) {
            List<String> decoded = new ArrayList<>(values.size());
            for (String v : values) {
              decoded.add(Escapes.decode(v));
            }
            out.merge(
                name.substring(HEADER_PREFIX.length()).toLowerCase(Locale.ROOT),
                decoded,
                InvokeWire::concat);
          }
        });
    out.replaceAll((k, v) -> List.copyOf(v));
    return out;
  }

  private static void putFunctionHeaders(
      Map<String, List<String>> out, Map<String, List<String>> headers) {
    if (headers == null) {
      return;
    }
    headers.forEach(
        (name, values) -> {
          if (values != null && !values.isEmpty()) {
            List<String> encoded = new ArrayList<>(values.size());
            for (String v : values) {
              encoded.add(Escapes.headerValue(v == null ? "" : v));
            }
            out.merge(HEADER_PREFIX + name.toLowerCase(Locale.ROOT), encoded, InvokeWire::concat);
          }
        });
  }

  private static void putText(Map<String, List<String>> out, String name, String text) {
    if (text != null) {
      out.put(name, List.of(Escapes.headerValue(text)));
    }
  }

  private static String head(String text) {
    return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
  }

  private static String tail(String text) {
    return text == null || text.length() <= MAX_TEXT
        ? text
        : text.substring(text.length() - MAX_TEXT);
  }

  private static String first(Map<String, List<String>> h, String name) {
    List<String> values = h.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static String required(Map<String, List<String>> h, String name, String what) {
    String value = first(h, name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " is missing: " + what);
    }
    return value;
  }

  private static String text(Map<String, List<String>> h, String name) {
    String value = first(h, name);
    return value == null ? null : Escapes.decode(value);
  }

  private static long number(Map<String, List<String>> h, String name) {
    String value = first(h, name);
    try {
      return value == null ? 0 : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
    }
  }
}
