package dev.kiln.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The times of one measurement, in nanoseconds, and their percentiles.
 *
 * @param name what was measured
 * @param nanos one time per iteration, in the order measured
 */
public record Samples(String name, long[] nanos) {

  public Samples {
    if (nanos.length == 0) {
      throw new IllegalArgumentException(name + ": no samples");
    }
    nanos = nanos.clone();
  }

  /** One iteration of a measurement; returns the nanoseconds it measured. */
  @FunctionalInterface
  public interface Step {
    /** Runs the iteration and returns its time in nanoseconds. */
    long run() throws Exception;
  }

  /** Runs {@code warmup} iterations unmeasured, then {@code runs} measured ones. */
  public static Samples measure(String name, int warmup, int runs, Step step) throws Exception {
    for (int i = 0; i < warmup; i++) {
      step.run();
    }
    long[] nanos = new long[runs];
    for (int i = 0; i < runs; i++) {
      nanos[i] = step.run();
    }
    return new Samples(name, nanos);
  }

  /**
   * Two measurements taken in turns (a, b, a, b, ...) after {@code warmup} unmeasured rounds, so
   * that whatever else the machine does at the time weighs on both alike: for the ratio of two
   * measurements on a shared machine.
   */
  public static List<Samples> alternate(
      String nameA, Step a, String nameB, Step b, int warmup, int runs) throws Exception {
    for (int i = 0; i < warmup; i++) {
      a.run();
      b.run();
    }
    long[] nanosA = new long[runs];
    long[] nanosB = new long[runs];
    for (int i = 0; i < runs; i++) {
      nanosA[i] = a.run();
      nanosB[i] = b.run();
    }
    return List.of(new Samples(nameA, nanosA), new Samples(nameB, nanosB));
  }

  /** The median, in milliseconds. */
  public double p50Ms() {
    return percentileMs(0.50);
  }

  /** The 99th percentile, in milliseconds; with fewer than 100 samples, close to the maximum. */
  public double p99Ms() {
    return percentileMs(0.99);
  }

  /** Percentile {@code q} (0..1) by linear interpolation between the nearest ranks. */
  public double percentileMs(double q) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double rank = q * (sorted.length - 1);
    int low = (int) Math.floor(rank);
    int high = (int) Math.ceil(rank);
    double value = sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    return value / 1e6;
  }

  /** Number of measured iterations. */
  public int count() {
    return nanos.length;
  }
}
