package io.infertune.tuner.measure;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Summary of one metric's samples over a measurement window.
 *
 * @param mean the mean of the samples (the value objectives and constraints use)
 * @param count how many samples: requests for a latency distribution, sampling intervals for a rate
 * @param ci 95 % confidence interval of the mean, when there were enough samples
 */
public record MetricSummary(
    double mean, double p50, double p95, double p99, long count, Optional<ConfidenceInterval> ci) {

  public MetricSummary {
    Objects.requireNonNull(ci, "ci");
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0");
    }
    if (!Double.isFinite(mean)) {
      throw new IllegalArgumentException("mean must be finite, got " + mean);
    }
  }

  /** One value observed once (a gauge read at the end of a window). */
  public static MetricSummary ofValue(double value) {
    return new MetricSummary(value, value, value, value, 1, Optional.empty());
  }

  /**
   * Summary of {@code samples}, with a Student-t interval of the mean when there are two or more.
   */
  public static MetricSummary ofSamples(double[] samples) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    double mean = Arrays.stream(sorted).average().orElseThrow();
    Optional<ConfidenceInterval> ci = Optional.empty();
    if (sorted.length >= 2) {
      double var = 0;
      for (double s : sorted) {
        var += (s - mean) * (s - mean);
      }
      double sd = Math.sqrt(var / (sorted.length - 1));
      double t = new TDistribution(null, sorted.length - 1.0).inverseCumulativeProbability(0.975);
      double h = t * sd / Math.sqrt(sorted.length);
      ci = Optional.of(new ConfidenceInterval(mean - h, mean + h, 0.95));
    }
    return new MetricSummary(
        mean,
        percentile(sorted, 50),
        percentile(sorted, 95),
        percentile(sorted, 99),
        sorted.length,
        ci);
  }

  private static double percentile(double[] sorted, double p) {
    if (sorted.length == 1) {
      return sorted[0];
    }
    return new Percentile(p).withEstimationType(Percentile.EstimationType.R_7).evaluate(sorted);
  }

  /** The {@code percentile}-th quantile (50, 95 or 99). */
  public double quantile(int percentile) {
    return switch (percentile) {
      case 50 -> p50;
      case 95 -> p95;
      case 99 -> p99;
      default -> throw new IllegalArgumentException("percentile must be 50, 95 or 99");
    };
  }
}
