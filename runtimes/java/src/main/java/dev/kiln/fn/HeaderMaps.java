package dev.kiln.fn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Immutable header maps whose keys are looked up case-insensitively, as HTTP field names are. */
final class HeaderMaps {

  private HeaderMaps() {}

  static Map<String, List<String>> copyOf(Map<String, List<String>> headers) {
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      headers.forEach(
          (name, values) -> {
            List<String> all = new ArrayList<>(copy.getOrDefault(name, List.of()));
            all.addAll(values);
            copy.put(name, List.copyOf(all));
          });
    }
    return Collections.unmodifiableMap(copy);
  }

  static Map<String, List<String>> with(
      Map<String, List<String>> headers, String name, String value) {
    checkName(name);
    checkValue(name, value);
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(headers);
    List<String> all = new ArrayList<>(copy.getOrDefault(name, List.of()));
    all.add(value);
    copy.put(name, List.copyOf(all));
    return Collections.unmodifiableMap(copy);
  }

  /** Field names are RFC 9110 tokens; anything else would corrupt the response framing. */
  static void checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("header name must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 32 || c >= 127 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        throw new IllegalArgumentException("invalid header name '" + name + "'");
      }
    }
  }

  /** CR and LF in a value would let a function forge headers (response splitting). */
  static void checkValue(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException("header '" + name + "' must have a value");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException(
            "header '" + name + "' must not contain CR, LF or NUL characters");
      }
    }
  }
}
