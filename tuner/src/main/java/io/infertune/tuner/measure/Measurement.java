package io.infertune.tuner.measure;

import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * What one trial measured: a summary per metric of the vocabulary, over a window of known length.
 *
 * @param metrics summaries by metric name ({@link Metrics})
 * @param window the length of the measurement window, warm-up excluded
 * @param report how the window went, when a {@link Measurer} made it (absent for values a caller
 *     reported, as in a study)
 */
public record Measurement(
    java.util.Map<String, MetricSummary> metrics, Duration window, Optional<WindowReport> report) {
  public Measurement {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(report, "report");
    metrics = Collections.unmodifiableMap(new TreeMap<>(metrics));
  }

  /** A measurement without a window report. */
  public Measurement(java.util.Map<String, MetricSummary> metrics, Duration window) {
    this(metrics, window, Optional.empty());
  }

  /** This measurement with {@code report}. */
  public Measurement withReport(WindowReport report) {
    return new Measurement(metrics, window, Optional.of(report));
  }

  public Optional<MetricSummary> summary(String metric) {
    return Optional.ofNullable(metrics.get(metric));
  }

  /**
   * The value of a metric: the mean of its summary, or for {@code latency_p95_ms} and its kin the
   * quantile of the whole window's latency distribution.
   */
  public OptionalDouble value(String metric) {
    MetricSummary s = metrics.get(metric);
    if (s != null) {
      return OptionalDouble.of(s.mean());
    }
    return Metrics.quantileOf(metric)
        .flatMap(q -> summary(q.distribution()).map(d -> d.quantile(q.percentile())))
        .map(OptionalDouble::of)
        .orElse(OptionalDouble.empty());
  }
}
