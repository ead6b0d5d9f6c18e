package io.infertune.tuner.measure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The snapshots of a window as they arrive, with what the adaptive protocol asks of them: the
 * summary so far, per-interval values of any metric, and confidence intervals from those values.
 *
 * <p>Per-interval values are the metric derived from each pair of successive snapshots, so every
 * metric of the vocabulary has them, quantiles included; rates are 0 in an interval where nothing
 * completed (as in the window's own throughput summary). A confidence interval is centred on the
 * window's value and has the half-width {@code t(level, n-1) * sd / sqrt(n)} of the n per-interval
 * values: exact for rates (the window's value is their mean), the batch-means approximation for
 * quantiles and ratios. Successive intervals of a real runtime are somewhat correlated, which makes
 * such intervals a little optimistic.
 *
 * @implNote not thread-safe: one measuring thread.
 */
final class SampledWindow {
  private final Measurer measurer;
  private final List<MetricSnapshot> snapshots = new ArrayList<>();
  private final List<Optional<Measurement>> perInterval = new ArrayList<>();
  private final Map<Integer, TDistribution> tByDegrees = new HashMap<>();
  private Optional<Measurement> summary = Optional.empty();
  private int summarized = -1;

  SampledWindow(Measurer measurer) {
    this.measurer = measurer;
  }

  void add(MetricSnapshot s) {
    if (!snapshots.isEmpty()) {
      perInterval.add(pairSummary(snapshots.get(snapshots.size() - 1), s));
    }
    snapshots.add(s);
  }

  List<MetricSnapshot> snapshots() {
    return snapshots;
  }

  int intervals() {
    return Math.max(0, snapshots.size() - 1);
  }

  long elapsedNanos() {
    return snapshots.size() < 2
        ? 0
        : snapshots.get(snapshots.size() - 1).nanos() - snapshots.get(0).nanos();
  }

  /** The window summarised so far; empty while no request has completed. */
  Optional<Measurement> summary() {
    if (summarized != snapshots.size()) {
      summarized = snapshots.size();
      try {
        summary = Optional.of(measurer.summarize(snapshots));
      } catch (MeasurementException e) {
        summary = Optional.empty();
      }
    }
    return summary;
  }

  /** The last interval's measurement; empty before two snapshots or when nothing completed. */
  Optional<Measurement> lastInterval() {
    return perInterval.isEmpty() ? Optional.empty() : perInterval.get(perInterval.size() - 1);
  }

  /** {@code metric}'s value in each interval that has one, in order. */
  double[] values(String metric) {
    String counter = rateCounter(metric);
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < perInterval.size(); i++) {
      if (counter != null) {
        MetricSnapshot a = snapshots.get(i);
        MetricSnapshot b = snapshots.get(i + 1);
        double dt = (b.nanos() - a.nanos()) / 1e9;
        OptionalDouble d = b.increaseSince(a, counter);
        if (dt > 0 && d.isPresent()) {
          out.add(d.getAsDouble() / dt);
        }
        continue;
      }
      perInterval
          .get(i)
          .map(m -> m.value(metric))
          .filter(v -> v.isPresent() && Double.isFinite(v.getAsDouble()))
          .ifPresent(v -> out.add(v.getAsDouble()));
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** See {@link WindowProgress#interval}. */
  Optional<ConfidenceInterval> interval(String metric, double level) {
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level must be in (0, 1), got " + level);
    }
    double[] v = values(metric);
    if (v.length < 2) {
      return Optional.empty();
    }
    OptionalDouble centre = summary().map(m -> m.value(metric)).orElse(OptionalDouble.empty());
    if (centre.isEmpty() || !Double.isFinite(centre.getAsDouble())) {
      return Optional.empty();
    }
    double mean = 0;
    for (double x : v) {
      mean += x;
    }
    mean /= v.length;
    double var = 0;
    for (double x : v) {
      var += (x - mean) * (x - mean);
    }
    double sd = Math.sqrt(var / (v.length - 1));
    double t =
        tByDegrees
            .computeIfAbsent(v.length - 1, d -> new TDistribution(null, d))
            .inverseCumulativeProbability((1 + level) / 2);
    double h = t * sd / Math.sqrt(v.length);
    double c = centre.getAsDouble();
    return Optional.of(new ConfidenceInterval(c - h, c + h, level));
  }

  private Optional<Measurement> pairSummary(MetricSnapshot a, MetricSnapshot b) {
    try {
      return Optional.of(measurer.summarize(List.of(a, b)));
    } catch (MeasurementException e) {
      return Optional.empty(); // nothing completed in this interval
    }
  }

  /** The counter a rate metric is derived from, or null for other metrics. */
  private String rateCounter(String metric) {
    return switch (metric) {
      case Metrics.THROUGHPUT_RPS -> Metrics.SOURCE_REQUESTS;
      // The same counter as the window's summary, so the interval is centred on its own values.
      case Metrics.THROUGHPUT_TOKENS_PER_S ->
          Measurer.tokenCounter(snapshots).orElse(Metrics.SOURCE_TOKENS);
      default -> null;
    };
  }
}
