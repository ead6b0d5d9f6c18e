package io.infertune.tuner.measure;

import java.util.Arrays;

/**
 * A cumulative histogram as Prometheus exposes one: {@code cumulativeCounts[i]} observations were
 * at most {@code upperBounds[i]}; the last bound is {@code +Inf}.
 *
 * @param sum the sum of all observed values
 */
public record HistogramSnapshot(double[] upperBounds, long[] cumulativeCounts, double sum) {

  public HistogramSnapshot {
    if (upperBounds.length == 0 || upperBounds.length != cumulativeCounts.length) {
      throw new IllegalArgumentException("bounds and counts must be non-empty and of equal length");
    }
    if (upperBounds[upperBounds.length - 1] != Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("the last bucket must be +Inf");
    }
    for (int i = 1; i < upperBounds.length; i++) {
      if (!(upperBounds[i] > upperBounds[i - 1]) || cumulativeCounts[i] < cumulativeCounts[i - 1]) {
        throw new IllegalArgumentException("bounds must increase and counts must not decrease");
      }
    }
    upperBounds = upperBounds.clone();
    cumulativeCounts = cumulativeCounts.clone();
  }

  public long count() {
    return cumulativeCounts[cumulativeCounts.length - 1];
  }

  public double mean() {
    return count() == 0 ? Double.NaN : sum / count();
  }

  /**
   * Observations made after {@code earlier}. When a count went down the source was reset, and, as
   * Prometheus' {@code rate} does, everything in this snapshot counts as new.
   */
  public HistogramSnapshot minus(HistogramSnapshot earlier) {
    if (!Arrays.equals(upperBounds, earlier.upperBounds)) {
      throw new IllegalArgumentException("histograms have different buckets");
    }
    long[] d = new long[cumulativeCounts.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = cumulativeCounts[i] - earlier.cumulativeCounts[i];
      if (d[i] < 0) {
        return this;
      }
    }
    for (int i = 1; i < d.length; i++) {
      if (d[i] < d[i - 1]) {
        return this;
      }
    }
    return new HistogramSnapshot(upperBounds, d, Math.max(0, sum - earlier.sum));
  }

  /**
   * The {@code q}-quantile, interpolated linearly within the bucket as Prometheus' {@code
   * histogram_quantile} does; NaN when empty. A quantile in the {@code +Inf} bucket returns the
   * highest finite bound.
   */
  public double quantile(double q) {
    if (q < 0 || q > 1) {
      throw new IllegalArgumentException("q must be in [0, 1]");
    }
    long total = count();
    if (total == 0) {
      return Double.NaN;
    }
    double rank = q * total;
    int b = 0;
    while (b < cumulativeCounts.length - 1 && cumulativeCounts[b] < rank) {
      b++;
    }
    if (b == upperBounds.length - 1) {
      return upperBounds.length > 1 ? upperBounds[upperBounds.length - 2] : Double.NaN;
    }
    double lower = b == 0 ? Math.min(0, upperBounds[0]) : upperBounds[b - 1];
    long below = b == 0 ? 0 : cumulativeCounts[b - 1];
    long inBucket = cumulativeCounts[b] - below;
    if (inBucket == 0) {
      return upperBounds[b];
    }
    return lower + (upperBounds[b] - lower) * ((rank - below) / inBucket);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HistogramSnapshot h
        && Arrays.equals(upperBounds, h.upperBounds)
        && Arrays.equals(cumulativeCounts, h.cumulativeCounts)
        && Double.compare(sum, h.sum) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(upperBounds) + Arrays.hashCode(cumulativeCounts);
  }

  @Override
  public String toString() {
    return "HistogramSnapshot[count=" + count() + ", sum=" + sum + "]";
  }
}
