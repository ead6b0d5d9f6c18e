package io.infertune.tuner.measure;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The values of a {@link MetricSource} at one instant. Counters are cumulative; rates and
 * percentiles are derived from two snapshots, as Prometheus does.
 *
 * @param nanos the {@link Ticker#nanos()} reading when the snapshot was taken
 */
public record MetricSnapshot(
    long nanos,
    Map<String, Double> counters,
    Map<String, Double> gauges,
    Map<String, HistogramSnapshot> histograms) {

  public MetricSnapshot {
    counters = Map.copyOf(counters);
    gauges = Map.copyOf(gauges);
    histograms = Map.copyOf(histograms);
  }

  public OptionalDouble counter(String name) {
    Double v = counters.get(name);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  public OptionalDouble gauge(String name) {
    Double v = gauges.get(name);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  public Optional<HistogramSnapshot> histogram(String name) {
    return Optional.ofNullable(histograms.get(name));
  }
}
