package io.infertune.tuner.measure;

import java.util.Optional;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The least-squares line through a series of per-interval values, against the interval index: is
 * the metric still moving? Used to end a warm-up ({@link MeasurementSpec}) and to keep a caller
 * from judging a metric that is still improving (a filling cache) by its mean so far.
 *
 * @param slope change per interval, in the metric's unit
 * @param standardError the slope's standard error (0 when the values lie on the line)
 * @param mean the mean of the values
 * @param n how many values (at least 3)
 */
public record Trend(double slope, double standardError, double mean, int n) {
  public Trend {
    if (n < 3) {
      throw new IllegalArgumentException("a trend needs at least 3 values, got " + n);
    }
  }

  /** The trend of {@code values}, or empty with fewer than three. */
  public static Optional<Trend> of(double[] values) {
    int k = values.length;
    if (k < 3) {
      return Optional.empty();
    }
    double meanX = (k - 1) / 2.0;
    double meanY = 0;
    for (double y : values) {
      meanY += y;
    }
    meanY /= k;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < k; i++) {
      sxy += (i - meanX) * (values[i] - meanY);
      sxx += (i - meanX) * (i - meanX);
    }
    double slope = sxy / sxx;
    double residuals = 0;
    for (int i = 0; i < k; i++) {
      double r = values[i] - (meanY + slope * (i - meanX));
      residuals += r * r;
    }
    return Optional.of(new Trend(slope, Math.sqrt(residuals / (k - 2) / sxx), meanY, k));
  }

  /** How much the line changes from the first value to the last, relative to the mean (≥ 0). */
  public double relativeChange() {
    double change = Math.abs(slope) * (n - 1);
    return mean != 0 ? change / Math.abs(mean) : (change == 0 ? 0 : Double.POSITIVE_INFINITY);
  }

  /**
   * Whether the slope differs from zero in a two-sided t-test at {@code level} (e.g. 0.95), with
   * {@code n - 2} degrees of freedom.
   */
  public boolean significant(double level) {
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level must be in (0, 1), got " + level);
    }
    if (standardError == 0) {
      return slope != 0;
    }
    double t = new TDistribution(null, n - 2.0).inverseCumulativeProbability((1 + level) / 2);
    return Math.abs(slope) > t * standardError;
  }
}
