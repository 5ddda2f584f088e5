package dev.kiln.cli;

import java.util.Locale;

/** Human-readable sizes and durations, as Docker prints them. */
final class Units {
  private Units() {}

  /** 1234567 → "1.23MB" (decimal units, like docker images). */
  static String bytes(long n) {
    if (n < 1000) {
      return n + "B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = n;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(
        Locale.ROOT, v < 10 ? "%.2f%s" : v < 100 ? "%.1f%s" : "%.0f%s", v, units[u]);
  }

  /** Milliseconds with one decimal below 10 ms. */
  static String millis(java.time.Duration d) {
    double ms = d.toNanos() / 1e6;
    return ms < 10
        ? String.format(Locale.ROOT, "%.1fms", ms)
        : String.format(Locale.ROOT, "%.0fms", ms);
  }
}
