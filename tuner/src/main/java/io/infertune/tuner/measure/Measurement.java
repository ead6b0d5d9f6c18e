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
 */
public record Measurement(java.util.Map<String, MetricSummary> metrics, Duration window) {
  public Measurement {
    Objects.requireNonNull(window, "window");
    metrics = Collections.unmodifiableMap(new TreeMap<>(metrics));
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
