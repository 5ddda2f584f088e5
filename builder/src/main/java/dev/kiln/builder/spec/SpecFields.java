package dev.kiln.builder.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts the values of {@code kiln.yaml} fields into Kiln's types. Each method handles one field
 * and throws {@link SpecException} naming that field and the accepted forms.
 */
final class SpecFields {

  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,9})\\s*(mi|mib|gi|gib)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern CPU =
      Pattern.compile(
          "(?:(\\d{1,9})\\s*m|(\\d{1,6}(?:\\.\\d{1,3})?)\\s*cores?)", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);

  /** Bare integer CPU values this small are almost certainly cores written as millicores. */
  private static final int SUSPICIOUSLY_FEW_MILLIS = 64;

  /** Longest string value quoted back in an error message. */
  private static final int MAX_SHOWN = 60;

  private final String source;

  SpecFields(String source) {
    this.source = source;
  }

  /** A non-empty string field; numbers and booleans are not accepted as names. */
  String text(String field, JsonNode node, String expected) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw error(field, "expected " + expected + ", got " + describe(node));
    }
    return node.textValue();
  }

  /** Memory in MiB: an integer, or a string such as {@code "256Mi"}, {@code "1Gi"}. */
  Integer memoryMiB(JsonNode node) {
    String expected = "expected a size in MiB such as 128 or \"256Mi\", got ";
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isIntegralNumber()) {
      return intValue("memory", node.bigIntegerValue(), expected + describe(node));
    }
    Matcher m = node.isTextual() ? SIZE.matcher(node.textValue().trim()) : null;
    if (m == null || !m.matches()) {
      throw error("memory", expected + describe(node));
    }
    long value = Long.parseLong(m.group(1));
    boolean gibibytes = m.group(2) != null && m.group(2).toLowerCase(Locale.ROOT).startsWith("g");
    return intValue(
        "memory", BigInteger.valueOf(gibibytes ? value * 1024 : value), expected + describe(node));
  }

  /**
   * CPU quota in millicores: an integer is millicores ({@code 500}); a string is either millicores
   * with an {@code m} suffix ({@code "500m"}) or cores with a {@code core}/{@code cores} suffix
   * ({@code "1 core"}, {@code "0.5 cores"}).
   */
  Integer cpuMillis(JsonNode node) {
    String expected =
        "expected millicores such as 500 or \"500m\", or cores such as \"1 core\", got ";
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isIntegralNumber()) {
      return intValue("cpu", node.bigIntegerValue(), expected + describe(node));
    }
    Matcher m = node.isTextual() ? CPU.matcher(node.textValue().trim()) : null;
    if (m == null || !m.matches()) {
      throw error("cpu", expected + describe(node));
    }
    if (m.group(1) != null) {
      return intValue("cpu", new BigInteger(m.group(1)), expected + describe(node));
    }
    return new BigDecimal(m.group(2)).movePointRight(3).intValueExact();
  }

  /** Adds a hint to Limits' range error when a small bare number was probably meant as cores. */
  String cpuHint(JsonNode node) {
    if (node != null
        && node.isIntegralNumber()
        && node.bigIntegerValue().compareTo(BigInteger.valueOf(SUSPICIOUSLY_FEW_MILLIS)) <= 0) {
      return " (cpu is in millicores: write 1000 or \"1 core\" for one core)";
    }
    return "";
  }

  /** Maximum number of processes: an integer. */
  Integer pids(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    String expected = "expected a whole number of processes such as 64, got " + describe(node);
    if (!node.isIntegralNumber()) {
      throw error("pids", expected);
    }
    return intValue("pids", node.bigIntegerValue(), expected);
  }

  /** Invocation timeout: a string with a unit, {@code "500ms"}, {@code "30s"}, {@code "2m"}. */
  Duration timeout(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    Matcher m = node.isTextual() ? DURATION.matcher(node.textValue().trim()) : null;
    if (m == null || !m.matches()) {
      throw error(
          "timeout",
          "expected a duration with a unit such as \"500ms\", \"30s\" or \"2m\", got "
              + describe(node));
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }

  /** Environment: a mapping of names to scalars; numbers and booleans become strings. */
  Map<String, String> env(JsonNode node) {
    Map<String, String> env = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return env;
    }
    if (!node.isObject()) {
      throw error("env", "expected a mapping of names to values, got " + describe(node));
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      JsonNode value = e.getValue();
      if (!value.isValueNode() || value.isNull()) {
        throw error(
            "env",
            "'"
                + e.getKey()
                + "' must be a string, number or boolean, got "
                + describe(value)
                + (value.isNull() ? " (write \"\" for an empty value)" : ""));
      }
      // asText() renders 128 as "128" and true as "true", which is what a shell would see.
      env.put(
          e.getKey(), value.isBigDecimal() ? value.decimalValue().toPlainString() : value.asText());
    }
    return env;
  }

  /** The reserved {@code build} section: a mapping, empty for now. */
  void build(JsonNode node) {
    if (node == null || node.isNull()) {
      return;
    }
    if (!node.isObject()) {
      throw error("build", "expected a mapping, got " + describe(node));
    }
    if (!node.isEmpty()) {
      throw error(
          "build", "no build options are supported yet, got '" + node.fieldNames().next() + "'");
    }
  }

  SpecException error(String field, String problem) {
    return new SpecException(source, field, problem);
  }

  private int intValue(String field, BigInteger value, String problem) {
    if (value.bitLength() >= Integer.SIZE) {
      throw error(field, problem);
    }
    return value.intValue();
  }

  /** How a value looks to the user: strings quoted, collections named by kind. */
  static String describe(JsonNode node) {
    if (node == null || node.isNull()) {
      return "nothing (null)";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isTextual()) {
      String text = node.textValue();
      return "\""
          + (text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text)
          + "\"";
    }
    return node.isBigDecimal() ? node.decimalValue().toPlainString() : node.asText();
  }
}
