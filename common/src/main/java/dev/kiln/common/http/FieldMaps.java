package dev.kiln.common.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Immutable header maps with case-insensitive keys, as HTTP field names are. */
public final class FieldMaps {

  private FieldMaps() {}

  /**
   * An immutable copy with case-insensitive names; names that differ only in case are merged, their
   * values in order. A null map gives an empty one.
   */
  public static Map<String, List<String>> copyOf(Map<String, List<String>> fields) {
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (fields != null) {
      fields.forEach((name, values) -> copy.put(name, merge(copy.get(name), values)));
    }
    return Collections.unmodifiableMap(copy);
  }

  static Map<String, List<String>> with(
      Map<String, List<String>> fields, String name, String value) {
    if (name == null || name.isEmpty() || !name.chars().allMatch(FieldMaps::isTokenChar)) {
      throw new IllegalArgumentException("invalid header name '" + name + "'");
    }
    if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("header '" + name + "' needs a value without CR or LF");
    }
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(fields);
    copy.put(name, merge(copy.get(name), List.of(value)));
    return Collections.unmodifiableMap(copy);
  }

  /** The first value of field {@code name}, or null. */
  public static String first(Map<String, List<String>> fields, String name) {
    List<String> values = fields.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static List<String> merge(List<String> existing, List<String> more) {
    List<String> all = new ArrayList<>(existing == null ? List.of() : existing);
    all.addAll(more);
    return List.copyOf(all);
  }

  private static boolean isTokenChar(int c) {
    return c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }
}
