package dev.kiln.node.agent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding (RFC 3986, section 2.1) for the two places the agent puts arbitrary text where
 * HTTP restricts it: container ids in URL paths, and invocation metadata and function headers in
 * header values. Plain text passes unchanged, so the wire stays readable; {@link #decode} reverses
 * both.
 */
final class Escapes {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Escapes() {}

  /** A path segment: everything but RFC 3986's unreserved characters is escaped. */
  static String pathSegment(String text) {
    return escape(text, Escapes::unreserved, false);
  }

  /**
   * A header value: escapes {@code %}, control characters, non-ASCII (as UTF-8) and leading or
   * trailing spaces, which HTTP would strip (RFC 9110, section 5.5).
   */
  static String headerValue(String text) {
    return escape(text, c -> c >= 0x20 && c < 0x7f && c != '%', true);
  }

  private interface Safe {
    boolean test(char c);
  }

  private static boolean unreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static String escape(String text, Safe safe, boolean guardSpaces) {
    int n = text.length();
    int i = 0;
    while (i < n && safe.test(text.charAt(i)) && !edgeSpace(text, i, guardSpaces)) {
      i++;
    }
    if (i == n) {
      return text;
    }
    StringBuilder out = new StringBuilder(n + 16).append(text, 0, i);
    while (i < n) {
      char c = text.charAt(i);
      if (safe.test(c) && !edgeSpace(text, i, guardSpaces)) {
        out.append(c);
        i++;
        continue;
      }
      int cp = text.codePointAt(i);
      for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
        out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
      i += Character.charCount(cp);
    }
    return out.toString();
  }

  private static boolean edgeSpace(String text, int i, boolean guard) {
    return guard && text.charAt(i) == ' ' && (i == 0 || i == text.length() - 1);
  }

  /**
   * Reverses the escaping: {@code %XX} sequences are UTF-8 bytes; {@code +} stays a plus.
   *
   * @throws IllegalArgumentException on a {@code %} not followed by two hex digits
   */
  static String decode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    int i = 0;
    while (i < text.length()) {
      if (text.charAt(i) == '%') {
        int hi = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
        if (lo < 0) {
          throw new IllegalArgumentException(
              "malformed percent-encoding in '" + text + "' at index " + i);
        }
        bytes.write((hi << 4) | lo);
        i += 3;
      } else {
        int end = text.indexOf('%', i);
        end = end < 0 ? text.length() : end;
        byte[] plain = text.substring(i, end).getBytes(StandardCharsets.UTF_8);
        bytes.write(plain, 0, plain.length);
        i = end;
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
