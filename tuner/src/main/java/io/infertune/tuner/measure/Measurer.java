package io.infertune.tuner.measure;

import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.runtime.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The sampling window of the tuning loop: drives a workload against a runtime, discards a warm-up,
 * samples the runtime's metrics every {@code sampleInterval} during the window and derives the
 * vocabulary's metrics from successive snapshots, as Prometheus derives rates from counters.
 *
 * <p>Derivations, over the window's snapshots {@code s0 .. sn}:
 *
 * <ul>
 *   <li>{@code throughput_rps}: completed requests per second in each interval; summary over the
 *       intervals, so its confidence interval reflects how steady the runtime was;
 *   <li>{@code latency_ms}: the latency histogram's increase {@code sn - s0}; mean, p50, p95, p99
 *       in milliseconds, count = requests; its confidence interval comes from per-interval means;
 *   <li>{@code error_rate}, {@code cache_hit_rate}: ratios of counter increases over the window;
 *   <li>{@code cpu_utilization}: CPU seconds used per second, divided by the machine's cores;
 *   <li>{@code memory_mb}, {@code accuracy}: gauges, summarised over the samples.
 * </ul>
 *
 * @implNote stateless apart from its ticker; thread-safe.
 */
public final class Measurer {
  private static final double MIB = 1024.0 * 1024.0;

  private final Ticker ticker;
  private final int cores;

  /**
   * @param cores the machine's cores, the denominator of {@code cpu_utilization}
   */
  public Measurer(Ticker ticker, int cores) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    if (cores < 1) {
      throw new IllegalArgumentException("cores must be >= 1");
    }
    this.cores = cores;
  }

  /**
   * Measures {@code runtime} as it is configured now, under {@code workload}.
   *
   * @throws MeasurementException when metrics could not be read or nothing completed
   * @throws InterruptedException when the campaign is stopped meanwhile
   */
  public Measurement measure(RuntimeAdapter runtime, Workload workload, MeasurementSpec spec)
      throws MeasurementException, InterruptedException {
    MetricSource source = runtime.metrics();
    List<MetricSnapshot> snapshots = new ArrayList<>();
    try (Workload.LoadSession load = workload.start(runtime.requests())) {
      ticker.sleep(spec.warmup());
      snapshots.add(sample(source));
      long end = snapshots.get(0).nanos() + spec.window().toNanos();
      long now;
      while ((now = ticker.nanos()) < end) {
        ticker.sleep(Duration.ofNanos(Math.min(spec.sampleInterval().toNanos(), end - now)));
        snapshots.add(sample(source));
      }
      if (load.submitted() == 0) {
        throw new MeasurementException("the workload sent no request during the window");
      }
    }
    return summarize(snapshots);
  }

  private static MetricSnapshot sample(MetricSource source) throws MeasurementException {
    try {
      return source.sample();
    } catch (MetricSourceException e) {
      throw new MeasurementException("metrics could not be read: " + e.getMessage(), e);
    }
  }

  /** Derives the vocabulary's metrics from a window's snapshots (at least two). */
  Measurement summarize(List<MetricSnapshot> s) throws MeasurementException {
    if (s.size() < 2) {
      throw new MeasurementException("a window needs at least two samples");
    }
    MetricSnapshot first = s.get(0);
    MetricSnapshot last = s.get(s.size() - 1);
    double seconds = (last.nanos() - first.nanos()) / 1e9;
    if (!(seconds > 0)) {
      throw new MeasurementException("the window has no length");
    }
    Map<String, MetricSummary> out = new LinkedHashMap<>();

    double requests = increase(first, last, Metrics.SOURCE_REQUESTS).orElse(0);
    if (requests <= 0) {
      throw new MeasurementException(
          "no request completed in the "
              + Duration.ofNanos(last.nanos() - first.nanos())
              + " window");
    }
    out.put(Metrics.THROUGHPUT_RPS, MetricSummary.ofSamples(rates(s, Metrics.SOURCE_REQUESTS)));
    if (first.counter(Metrics.SOURCE_TOKENS).isPresent()) {
      out.put(
          Metrics.THROUGHPUT_TOKENS_PER_S,
          MetricSummary.ofSamples(rates(s, Metrics.SOURCE_TOKENS)));
    }
    double errors = increase(first, last, Metrics.SOURCE_ERRORS).orElse(0);
    out.put(Metrics.ERROR_RATE, MetricSummary.ofValue(errors / (errors + requests)));

    OptionalDouble hits = increase(first, last, Metrics.SOURCE_CACHE_HITS);
    OptionalDouble misses = increase(first, last, Metrics.SOURCE_CACHE_MISSES);
    if (hits.isPresent() && misses.isPresent() && hits.getAsDouble() + misses.getAsDouble() > 0) {
      out.put(
          Metrics.CACHE_HIT_RATE,
          MetricSummary.ofValue(hits.getAsDouble() / (hits.getAsDouble() + misses.getAsDouble())));
    }
    latency(s).ifPresent(l -> out.put(Metrics.LATENCY_MS, l));
    increase(first, last, Metrics.SOURCE_CPU_SECONDS)
        .ifPresent(
            cpu -> out.put(Metrics.CPU_UTILIZATION, MetricSummary.ofValue(cpu / seconds / cores)));
    gauge(s, Metrics.SOURCE_MEMORY_BYTES, 1 / MIB).ifPresent(g -> out.put(Metrics.MEMORY_MB, g));
    gauge(s, Metrics.SOURCE_ACCURACY, 1).ifPresent(g -> out.put(Metrics.ACCURACY, g));
    return new Measurement(out, Duration.ofNanos(last.nanos() - first.nanos()));
  }

  private static OptionalDouble increase(MetricSnapshot a, MetricSnapshot b, String counter) {
    OptionalDouble x = a.counter(counter);
    OptionalDouble y = b.counter(counter);
    if (x.isEmpty() || y.isEmpty()) {
      return OptionalDouble.empty();
    }
    double d = y.getAsDouble() - x.getAsDouble();
    // A counter that went down was reset: what it shows now is all new (Prometheus' rule).
    return OptionalDouble.of(d >= 0 ? d : y.getAsDouble());
  }

  private static double[] rates(List<MetricSnapshot> s, String counter) {
    double[] r = new double[s.size() - 1];
    for (int i = 1; i < s.size(); i++) {
      double dt = (s.get(i).nanos() - s.get(i - 1).nanos()) / 1e9;
      r[i - 1] = dt > 0 ? increase(s.get(i - 1), s.get(i), counter).orElse(0) / dt : 0;
    }
    return r;
  }

  private static Optional<MetricSummary> latency(List<MetricSnapshot> s) {
    Optional<HistogramSnapshot> first = s.get(0).histogram(Metrics.SOURCE_LATENCY_SECONDS);
    Optional<HistogramSnapshot> last =
        s.get(s.size() - 1).histogram(Metrics.SOURCE_LATENCY_SECONDS);
    if (first.isEmpty() || last.isEmpty()) {
      return Optional.empty();
    }
    HistogramSnapshot window = last.get().minus(first.get());
    if (window.count() == 0) {
      return Optional.empty();
    }
    List<Double> intervalMeans = new ArrayList<>();
    for (int i = 1; i < s.size(); i++) {
      var a = s.get(i - 1).histogram(Metrics.SOURCE_LATENCY_SECONDS);
      var b = s.get(i).histogram(Metrics.SOURCE_LATENCY_SECONDS);
      if (a.isPresent() && b.isPresent()) {
        HistogramSnapshot d = b.get().minus(a.get());
        if (d.count() > 0) {
          intervalMeans.add(d.mean() * 1000);
        }
      }
    }
    Optional<ConfidenceInterval> ci =
        intervalMeans.size() >= 2
            ? MetricSummary.ofSamples(
                    intervalMeans.stream().mapToDouble(Double::doubleValue).toArray())
                .ci()
            : Optional.empty();
    return Optional.of(
        new MetricSummary(
            window.mean() * 1000,
            window.quantile(0.50) * 1000,
            window.quantile(0.95) * 1000,
            window.quantile(0.99) * 1000,
            window.count(),
            ci));
  }

  private static Optional<MetricSummary> gauge(List<MetricSnapshot> s, String name, double scale) {
    double[] values =
        s.stream()
            .map(x -> x.gauge(name))
            .filter(OptionalDouble::isPresent)
            .mapToDouble(v -> v.getAsDouble() * scale)
            .toArray();
    return values.length == 0 ? Optional.empty() : Optional.of(MetricSummary.ofSamples(values));
  }
}
