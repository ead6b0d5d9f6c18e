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

  /**
   * How much counter {@code name} grew since {@code earlier}; empty when this snapshot does not
   * have it. A counter absent before was created lazily since (TGI creates its failure counter at
   * the first failure), so it counted from 0; a counter that went down was reset, and what it shows
   * now is all new (Prometheus' rule).
   */
  public OptionalDouble increaseSince(MetricSnapshot earlier, String name) {
    OptionalDouble now = counter(name);
    if (now.isEmpty()) {
      return OptionalDouble.empty();
    }
    double d = now.getAsDouble() - earlier.counter(name).orElse(0);
    return OptionalDouble.of(d >= 0 ? d : now.getAsDouble());
  }

  public OptionalDouble gauge(String name) {
    Double v = gauges.get(name);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  public Optional<HistogramSnapshot> histogram(String name) {
    return Optional.ofNullable(histograms.get(name));
  }
}
