package io.infertune.tuner.measure;

import io.infertune.tuner.runtime.LiveTraffic;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.runtime.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 *   <li>{@code throughput_tokens_per_s}: like {@code throughput_rps}, of the output-token counter
 *       when the source has one (a generative runtime), else of the input-token counter;
 *   <li>{@code latency_ms}: the latency histogram's increase {@code sn - s0}; mean, p50, p95, p99
 *       in milliseconds, count = requests; its confidence interval comes from per-interval means;
 *   <li>{@code ttft_ms}, {@code itl_ms}: likewise from the time-to-first-token and inter-token
 *       histograms, when the source has them;
 *   <li>{@code error_rate}, {@code cache_hit_rate}: ratios of counter increases over the window;
 *   <li>{@code cpu_utilization}: CPU seconds used per second, divided by the machine's cores;
 *   <li>{@code memory_mb}, {@code accuracy}: gauges, summarised over the samples;
 *   <li>any vocabulary metric the source reports directly as a gauge of that name (e.g. {@code
 *       throughput_rps} from a program that generates its own load): its mean over the samples, in
 *       place of a derivation.
 * </ul>
 *
 * <p>Runtimes restart and create series lazily, so, as Prometheus' {@code rate} does: a counter
 * that went down was reset and what it shows now is all new; a counter or histogram absent from the
 * earlier snapshot and present in the later one counts from 0; a histogram whose bucket bounds
 * changed (a restart with another configuration) is taken as reset too.
 *
 * <p>The protocol ({@link MeasurementSpec}) may end the warm-up once the objective stops trending,
 * end the window once the objective's confidence interval is narrow enough, and let the caller stop
 * a window between intervals ({@link WindowMonitor}); every measurement says how its window went
 * ({@link WindowReport}). Confidence intervals come from per-interval values ({@code
 * SampledWindow}).
 *
 * @implNote stateless apart from its ticker; thread-safe.
 */
public final class Measurer {
  private static final double MIB = 1024.0 * 1024.0;

  private final Ticker ticker;
  private final int cores;
  private final HostCpu host;

  /**
   * @param cores the machine's cores, the denominator of {@code cpu_utilization}
   */
  public Measurer(Ticker ticker, int cores) {
    this(ticker, cores, HostCpu.NONE);
  }

  /**
   * @param cores the machine's cores, the denominator of {@code cpu_utilization}
   * @param host where the CPU that other processes take during each window is read
   */
  public Measurer(Ticker ticker, int cores, HostCpu host) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    if (cores < 1) {
      throw new IllegalArgumentException("cores must be >= 1");
    }
    this.cores = cores;
    this.host = Objects.requireNonNull(host, "host");
  }

  /**
   * Measures {@code runtime} as it is configured now, under {@code workload}, adapting the warm-up
   * and the window (as {@code spec} allows) to {@code throughput_rps}.
   *
   * @throws MeasurementException when metrics could not be read or nothing completed
   * @throws InterruptedException when the campaign is stopped meanwhile
   */
  public Measurement measure(RuntimeAdapter runtime, Workload workload, MeasurementSpec spec)
      throws MeasurementException, InterruptedException {
    return measure(runtime, workload, spec, Metrics.THROUGHPUT_RPS, WindowMonitor.NONE);
  }

  /**
   * Measures {@code runtime} as it is configured now, under {@code workload}, following {@code
   * spec}'s protocol for {@code metric} (the objective):
   *
   * <ol>
   *   <li>warm-up: with a stability test, {@code metric} is derived per interval and the warm-up
   *       ends once the last k values show no trend (see {@link MeasurementSpec}), or at its
   *       maximum; else it lasts exactly {@code spec.warmup()};
   *   <li>window: sampled every interval; from {@code spec.minWindow()} on it ends as soon as the
   *       95 % interval of {@code metric} is within the target relative half-width ({@link
   *       WindowReport.End#CONVERGED}), or when {@code monitor} says stop ({@link
   *       WindowReport.End#STOPPED}, the measurement so far is returned); at {@code spec.window()}
   *       at the latest ({@link WindowReport.End#MAX_WINDOW}).
   * </ol>
   *
   * The result carries a {@link WindowReport}.
   *
   * @throws MeasurementException when metrics could not be read or nothing completed
   * @throws InterruptedException when the campaign is stopped meanwhile
   */
  public Measurement measure(
      RuntimeAdapter runtime,
      Workload workload,
      MeasurementSpec spec,
      String metric,
      WindowMonitor monitor)
      throws MeasurementException, InterruptedException {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(monitor, "monitor");
    MetricSource source = runtime.metrics();
    SampledWindow window = new SampledWindow(this);
    long warmupNanos;
    boolean settled;
    WindowReport.End end = WindowReport.End.MAX_WINDOW;
    Optional<HostCpu.Reading> hostBefore;
    Optional<HostCpu.Reading> hostAfter;
    try (Workload.LoadSession load = workload.start(runtime.requests())) {
      long warmupStart = ticker.nanos();
      Optional<HostCpu.Reading> atWarmupStart = host.read();
      WarmUp warm = warmUp(source, spec, metric, monitor);
      warmupNanos = ticker.nanos() - warmupStart;
      settled = warm.settled();
      // The span of the samples kept: the warm-up's when it was stopped, else the window's.
      hostBefore = warm.stopped().isPresent() ? atWarmupStart : host.read();
      if (warm.stopped().isPresent()) {
        // Stopped while warming up (a live campaign's SLO guard): what the warm-up saw is all
        // there is to record, and it was measured with the configuration in force.
        window = warm.stopped().get();
        end = WindowReport.End.STOPPED;
      } else {
        end = sampleWindow(source, window, spec, metric, monitor);
      }
      hostAfter = host.read();
      if (workload instanceof LiveTraffic && !anyCompleted(window)) {
        throw new MeasurementException(
            "no request completed during the window: a live campaign measures the runtime's own"
                + " traffic, and there was none");
      } else if (!(workload instanceof LiveTraffic) && load.submitted() == 0) {
        throw new MeasurementException("the workload sent no request during the window");
      }
    }
    return summarize(window.snapshots())
        .withReport(
            new WindowReport(
                metric,
                window.interval(metric, 0.95),
                Duration.ofNanos(Math.max(0, warmupNanos)),
                settled,
                end,
                hostBefore.flatMap(a -> hostAfter.flatMap(b -> HostCpu.othersShare(a, b))),
                hostBefore.flatMap(a -> hostAfter.flatMap(b -> HostCpu.serviceShare(a, b)))));
  }

  private boolean anyCompleted(SampledWindow window) {
    try {
      return summarize(window.snapshots()).value(Metrics.THROUGHPUT_RPS).orElse(0) > 0;
    } catch (MeasurementException e) {
      return false;
    }
  }

  /** The window after the warm-up: sampled every interval until it ends one way or another. */
  private WindowReport.End sampleWindow(
      MetricSource source,
      SampledWindow window,
      MeasurementSpec spec,
      String metric,
      WindowMonitor monitor)
      throws MeasurementException, InterruptedException {
    window.add(sample(source));
    long start = window.snapshots().get(0).nanos();
    long maxEnd = start + spec.window().toNanos();
    long minLength = spec.minWindow().toNanos();
    long now;
    while ((now = ticker.nanos()) < maxEnd) {
      ticker.sleep(Duration.ofNanos(Math.min(spec.sampleInterval().toNanos(), maxEnd - now)));
      window.add(sample(source));
      if (monitor.everyInterval() && monitor.check(new WindowProgress(window)).isPresent()) {
        return WindowReport.End.STOPPED;
      }
      if (window.elapsedNanos() < minLength || ticker.nanos() >= maxEnd) {
        continue;
      }
      if (spec.targetRelativeHalfWidth() > 0
          && window
              .interval(metric, 0.95)
              .filter(ci -> ci.relativeHalfWidth() <= spec.targetRelativeHalfWidth())
              .isPresent()) {
        return WindowReport.End.CONVERGED;
      }
      if (!monitor.everyInterval() && monitor.check(new WindowProgress(window)).isPresent()) {
        return WindowReport.End.STOPPED;
      }
    }
    return WindowReport.End.MAX_WINDOW;
  }

  /**
   * How a warm-up went: whether the stability test ended it before its maximum, and, when a monitor
   * stopped it, what it had sampled.
   */
  private record WarmUp(boolean settled, Optional<SampledWindow> stopped) {}

  /**
   * The warm-up: sleeps through it, or samples {@code metric} per interval until its last k values
   * are stable. A monitor consulted {@link WindowMonitor#everyInterval() every interval} makes it
   * sample per interval too, and may stop it.
   */
  private WarmUp warmUp(
      MetricSource source, MeasurementSpec spec, String metric, WindowMonitor monitor)
      throws MeasurementException, InterruptedException {
    boolean guarded = monitor.everyInterval();
    if (!spec.stableWarmup() && !guarded) {
      ticker.sleep(spec.warmup());
      return new WarmUp(false, Optional.empty());
    }
    SampledWindow w = new SampledWindow(this);
    long end = ticker.nanos() + spec.warmup().toNanos();
    w.add(sample(source));
    long now;
    while ((now = ticker.nanos()) < end) {
      ticker.sleep(Duration.ofNanos(Math.min(spec.sampleInterval().toNanos(), end - now)));
      w.add(sample(source));
      if (guarded && monitor.check(new WindowProgress(w, true)).isPresent()) {
        return new WarmUp(false, Optional.of(w));
      }
      if (!spec.stableWarmup()) {
        continue;
      }
      double[] v = w.values(metric);
      if (ticker.nanos() < end
          && v.length >= spec.warmupStableIntervals()
          && stable(
              Arrays.copyOfRange(v, v.length - spec.warmupStableIntervals(), v.length),
              spec.warmupTolerance())) {
        return new WarmUp(true, Optional.empty());
      }
    }
    return new WarmUp(false, Optional.empty());
  }

  /**
   * Whether {@code v} shows no trend worth waiting for: its least-squares line changes by at most
   * {@code tolerance} of the mean from the first value to the last. A slope rather than a spread,
   * so that noise around a level counts as stable and a ramp (a filling cache, a JIT still
   * compiling) does not. Noise also scatters the slope, so on a noisy machine the warm-up tends to
   * run to its maximum: a trend lost in noise is no evidence of stability (a test that ended the
   * warm-up whenever the slope was not significant let cached configurations be measured, and
   * pruned, while their caches were still filling). The campaign runner also does not prune a trial
   * whose objective still climbs in its window ({@link WindowProgress#trend}).
   */
  static boolean stable(double[] v, double tolerance) {
    return Trend.of(v).orElseThrow().relativeChange() <= tolerance;
  }

  /**
   * A snapshot; a scrape cut short by a campaign stop is the stop, not a failed measurement, so
   * that the trial is abandoned rather than recorded as failed.
   */
  private static MetricSnapshot sample(MetricSource source)
      throws MeasurementException, InterruptedException {
    try {
      return source.sample();
    } catch (MetricSourceException e) {
      if (Thread.interrupted() || causedByInterrupt(e)) {
        InterruptedException stop = new InterruptedException("stopped while reading metrics");
        stop.initCause(e);
        throw stop;
      }
      throw new MeasurementException("metrics could not be read: " + e.getMessage(), e);
    }
  }

  private static boolean causedByInterrupt(Throwable e) {
    for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
      if (c instanceof InterruptedException) {
        return true;
      }
      e = c;
    }
    return false;
  }

  /**
   * The vocabulary's metrics over the stretch between two snapshots of one source, for watchers
   * that sample a runtime outside any trial (drift detection).
   *
   * @throws MeasurementException when the snapshots span no time or nothing completed between them
   */
  public Measurement between(MetricSnapshot earlier, MetricSnapshot later)
      throws MeasurementException {
    return summarize(List.of(earlier, later));
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

    double requests = last.increaseSince(first, Metrics.SOURCE_REQUESTS).orElse(0);
    if (requests <= 0) {
      throw new MeasurementException(
          "no request completed in the "
              + Duration.ofNanos(last.nanos() - first.nanos())
              + " window");
    }
    out.put(Metrics.THROUGHPUT_RPS, MetricSummary.ofSamples(rates(s, Metrics.SOURCE_REQUESTS)));
    tokenCounter(s)
        .ifPresent(
            tokens ->
                out.put(
                    Metrics.THROUGHPUT_TOKENS_PER_S, MetricSummary.ofSamples(rates(s, tokens))));
    double errors = last.increaseSince(first, Metrics.SOURCE_ERRORS).orElse(0);
    out.put(Metrics.ERROR_RATE, MetricSummary.ofValue(errors / (errors + requests)));

    OptionalDouble hits = last.increaseSince(first, Metrics.SOURCE_CACHE_HITS);
    OptionalDouble misses = last.increaseSince(first, Metrics.SOURCE_CACHE_MISSES);
    if (hits.isPresent() && misses.isPresent() && hits.getAsDouble() + misses.getAsDouble() > 0) {
      out.put(
          Metrics.CACHE_HIT_RATE,
          MetricSummary.ofValue(hits.getAsDouble() / (hits.getAsDouble() + misses.getAsDouble())));
    }
    distributionMs(s, Metrics.SOURCE_LATENCY_SECONDS)
        .ifPresent(l -> out.put(Metrics.LATENCY_MS, l));
    distributionMs(s, Metrics.SOURCE_TTFT_SECONDS).ifPresent(l -> out.put(Metrics.TTFT_MS, l));
    distributionMs(s, Metrics.SOURCE_ITL_SECONDS).ifPresent(l -> out.put(Metrics.ITL_MS, l));
    last.increaseSince(first, Metrics.SOURCE_CPU_SECONDS)
        .ifPresent(
            cpu -> out.put(Metrics.CPU_UTILIZATION, MetricSummary.ofValue(cpu / seconds / cores)));
    gauge(s, Metrics.SOURCE_MEMORY_BYTES, 1 / MIB).ifPresent(g -> out.put(Metrics.MEMORY_MB, g));
    gauge(s, Metrics.SOURCE_ACCURACY, 1).ifPresent(g -> out.put(Metrics.ACCURACY, g));
    // Passthrough: a runtime that generates its own load (a simulator, a benchmark program) reports
    // vocabulary metrics such as throughput_rps itself, measured where the load ran. Its figure
    // wins over a derivation, which could only count the tuner's own submissions.
    for (String name : Metrics.VOCABULARY) {
      gauge(s, name, 1).ifPresent(g -> out.put(name, g));
    }
    return new Measurement(out, Duration.ofNanos(last.nanos() - first.nanos()));
  }

  /**
   * The counter {@code throughput_tokens_per_s} is the rate of over {@code s}: output tokens if any
   * snapshot has them (they may appear only once the first request finished), else input tokens if
   * any snapshot has those.
   */
  static Optional<String> tokenCounter(List<MetricSnapshot> s) {
    for (String c : List.of(Metrics.SOURCE_OUTPUT_TOKENS, Metrics.SOURCE_TOKENS)) {
      if (s.stream().anyMatch(x -> x.counter(c).isPresent())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  private static double[] rates(List<MetricSnapshot> s, String counter) {
    double[] r = new double[s.size() - 1];
    for (int i = 1; i < s.size(); i++) {
      double dt = (s.get(i).nanos() - s.get(i - 1).nanos()) / 1e9;
      r[i - 1] = dt > 0 ? s.get(i).increaseSince(s.get(i - 1), counter).orElse(0) / dt : 0;
    }
    return r;
  }

  /**
   * The distribution, in milliseconds, of what {@code histogram} (in seconds) observed over the
   * window; empty when the source has no such histogram or it observed nothing.
   */
  private static Optional<MetricSummary> distributionMs(List<MetricSnapshot> s, String histogram) {
    Optional<HistogramSnapshot> window = since(s.get(0), s.get(s.size() - 1), histogram);
    if (window.isEmpty() || window.get().count() == 0) {
      return Optional.empty();
    }
    List<Double> intervalMeans = new ArrayList<>();
    for (int i = 1; i < s.size(); i++) {
      since(s.get(i - 1), s.get(i), histogram)
          .filter(d -> d.count() > 0)
          .ifPresent(d -> intervalMeans.add(d.mean() * 1000));
    }
    Optional<ConfidenceInterval> ci =
        intervalMeans.size() >= 2
            ? MetricSummary.ofSamples(
                    intervalMeans.stream().mapToDouble(Double::doubleValue).toArray())
                .ci()
            : Optional.empty();
    HistogramSnapshot w = window.get();
    return Optional.of(
        new MetricSummary(
            w.mean() * 1000,
            w.quantile(0.50) * 1000,
            w.quantile(0.95) * 1000,
            w.quantile(0.99) * 1000,
            w.count(),
            ci));
  }

  /**
   * What {@code histogram} observed from {@code a} to {@code b}; empty when {@code b} lacks it. All
   * of {@code b}'s observations count when {@code a} lacks it (created lazily) or had other bucket
   * bounds (the runtime restarted: a reset, as a count that went down is in {@link
   * HistogramSnapshot#minus}).
   */
  private static Optional<HistogramSnapshot> since(
      MetricSnapshot a, MetricSnapshot b, String histogram) {
    Optional<HistogramSnapshot> later = b.histogram(histogram);
    Optional<HistogramSnapshot> earlier = a.histogram(histogram);
    if (later.isEmpty()
        || earlier.isEmpty()
        || !Arrays.equals(later.get().upperBounds(), earlier.get().upperBounds())) {
      return later;
    }
    return Optional.of(later.get().minus(earlier.get()));
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
