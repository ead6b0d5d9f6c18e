package io.infertune.runtime.embedded;

import io.infertune.tuner.measure.HistogramSnapshot;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A histogram with fixed bucket bounds that reads out as a Prometheus-style cumulative {@link
 * HistogramSnapshot}: an observation goes to the first bucket whose upper bound is at least the
 * value ({@code le}), the last bucket is {@code +Inf}.
 *
 * @implNote lock-free and thread-safe; a snapshot taken during concurrent recording may miss the
 *     latest observations, never shows a count decreasing, and may show a sum a few observations
 *     ahead of or behind the counts.
 */
public final class CumulativeHistogram {
  private final double[] bounds;
  private final AtomicLongArray counts;
  private final DoubleAdder sum = new DoubleAdder();

  /** A histogram with the given finite, increasing upper bounds; {@code +Inf} is added. */
  public CumulativeHistogram(double[] finiteBounds) {
    for (int i = 0; i < finiteBounds.length; i++) {
      if (!Double.isFinite(finiteBounds[i]) || (i > 0 && finiteBounds[i] <= finiteBounds[i - 1])) {
        throw new IllegalArgumentException("bounds must be finite and increasing");
      }
    }
    bounds = Arrays.copyOf(finiteBounds, finiteBounds.length + 1);
    bounds[finiteBounds.length] = Double.POSITIVE_INFINITY;
    counts = new AtomicLongArray(bounds.length);
  }

  /** Bounds {@code start, start*factor, ...} up to the first one at or beyond {@code end}. */
  public static double[] exponentialBounds(double start, double factor, double end) {
    if (!(start > 0) || !(factor > 1) || !(end > start)) {
      throw new IllegalArgumentException("need 0 < start < end and factor > 1");
    }
    int n = (int) Math.ceil(Math.log(end / start) / Math.log(factor)) + 1;
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      // Rounded to 6 significant digits so that the bounds print cleanly in Prometheus text.
      b[i] = Double.parseDouble(String.format(Locale.ROOT, "%.6g", start * Math.pow(factor, i)));
    }
    return b;
  }

  /** Bounds {@code 1, 2, ..., max}: one bucket per integer value. */
  public static double[] integerBounds(int max) {
    double[] b = new double[max];
    for (int i = 0; i < max; i++) {
      b[i] = i + 1;
    }
    return b;
  }

  public void record(double value) {
    int i = Arrays.binarySearch(bounds, value);
    if (i < 0) {
      i = -i - 1;
    }
    counts.incrementAndGet(Math.min(i, bounds.length - 1));
    sum.add(value);
  }

  public HistogramSnapshot snapshot() {
    long[] cumulative = new long[bounds.length];
    long running = 0;
    for (int i = 0; i < bounds.length; i++) {
      running += counts.get(i);
      cumulative[i] = running;
    }
    return new HistogramSnapshot(bounds, cumulative, sum.sum());
  }
}
