package dev.kiln.gateway.runtime;

import dev.kiln.common.Runtime;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code kiln.node.stem-cells}: how many stem cells to keep ready per runtime, written {@code
 * python=1,node=1,java=1}; {@code 0} (or an empty value) keeps none.
 */
record StemCellSettings(Map<Runtime, Integer> counts) {

  StemCellSettings {
    counts = Map.copyOf(counts);
  }

  /** Parses the setting; the message of a bad value names the part at fault. */
  static StemCellSettings parse(String value) {
    Map<Runtime, Integer> counts = new EnumMap<>(Runtime.class);
    String v = value == null ? "" : value.strip();
    if (v.isEmpty() || v.equals("0")) {
      return new StemCellSettings(counts);
    }
    for (String part : v.split(",")) {
      String p = part.strip();
      int eq = p.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException(
            "kiln.node.stem-cells: expected runtime=count such as python=1, got '" + p + "'");
      }
      Runtime runtime;
      int count;
      try {
        runtime = Runtime.parse(p.substring(0, eq).strip().toLowerCase(Locale.ROOT));
        count = Integer.parseInt(p.substring(eq + 1).strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "kiln.node.stem-cells: '" + p + "': " + e.getMessage(), e);
      }
      if (runtime == Runtime.BINARY || count < 0 || count > 64) {
        throw new IllegalArgumentException(
            "kiln.node.stem-cells: '"
                + p
                + "': stem cells exist for python, node and java, 0 to 64 of each");
      }
      if (count > 0) {
        counts.put(runtime, count);
      }
    }
    return new StemCellSettings(counts);
  }
}
