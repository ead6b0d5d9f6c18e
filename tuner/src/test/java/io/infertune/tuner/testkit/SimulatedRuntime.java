package io.infertune.tuner.testkit;

import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A deterministic runtime whose counters advance with a {@link ManualTicker}: throughput grows with
 * the batch size and doubles with int8, latency grows with the batch size, int8 costs accuracy, and
 * batch 64 in fp32 runs out of memory. For tests of the orchestration, where the real runtime's
 * noise and seconds-long windows would only get in the way.
 *
 * <p>Tests that need more set a {@link Performance} (any throughput and latency per configuration,
 * also changing with the time a configuration has served, to model one that degrades under
 * sustained load) and {@link #noise} (seeded, so each seed is one reproducible run).
 */
public final class SimulatedRuntime implements RuntimeAdapter {
  private static final double[] BOUNDS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1};

  private final ManualTicker ticker;
  private final String id;
  private final SearchSpace knobs =
      SearchSpace.of(
          Parameter.ordinal("batch_size", 1, 4, 16, 64),
          Parameter.categorical("quantization", "fp32", "int8"));
  private final Configuration defaults = Configuration.of("batch_size", 1, "quantization", "fp32");
  private final List<Configuration> applied = new ArrayList<>();

  private Configuration current = defaults;
  private Performance performance = DEFAULT_PERFORMANCE;
  private java.util.Random noise;
  private double noiseSd;
  private long appliedNanos;
  private long lastNanos;
  private double requests;
  private final long[] latencyCounts = new long[BOUNDS.length + 1];
  private double latencySum;

  public SimulatedRuntime(ManualTicker ticker) {
    this(ticker, "sim");
  }

  /** A simulated runtime with another id, for tests that need several. */
  public SimulatedRuntime(ManualTicker ticker, String id) {
    this.ticker = ticker;
    this.id = id;
    this.lastNanos = ticker.nanos();
    this.appliedNanos = lastNanos;
  }

  /** How a configuration performs, given the seconds it has served since it was last applied. */
  public interface Performance {
    /** Requests per second. */
    double throughput(Configuration c, double servingSeconds);

    /** Seconds per request. */
    double latencySeconds(Configuration c, double servingSeconds);
  }

  /** {@link #throughput} and {@link #latencySeconds}, whatever the time served. */
  public static final Performance DEFAULT_PERFORMANCE =
      new Performance() {
        @Override
        public double throughput(Configuration c, double servingSeconds) {
          return SimulatedRuntime.throughput(c);
        }

        @Override
        public double latencySeconds(Configuration c, double servingSeconds) {
          return SimulatedRuntime.latencySeconds(c);
        }
      };

  /** Replaces the performance model; returns this runtime. */
  public synchronized SimulatedRuntime performance(Performance p) {
    this.performance = java.util.Objects.requireNonNull(p);
    return this;
  }

  /**
   * Multiplies the requests of each sampling interval by {@code 1 + relativeSd * N(0, 1)} (at least
   * 0), drawn from a generator seeded with {@code seed}; returns this runtime.
   */
  public synchronized SimulatedRuntime noise(double relativeSd, long seed) {
    this.noiseSd = relativeSd;
    this.noise = new java.util.Random(seed);
    return this;
  }

  /** Requests per second of a configuration. */
  public static double throughput(Configuration c) {
    double batch = c.getDouble("batch_size");
    double base = 100 * Math.sqrt(batch);
    return c.getString("quantization").equals("int8") ? base * 2 : base;
  }

  /** Seconds of latency of a configuration. */
  public static double latencySeconds(Configuration c) {
    return 0.004 * c.getDouble("batch_size");
  }

  /** Every configuration applied, in order. */
  public synchronized List<Configuration> applied() {
    return List.copyOf(applied);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "simulated";
  }

  @Override
  public SearchSpace knobs() {
    return knobs;
  }

  @Override
  public Configuration defaults() {
    return defaults;
  }

  @Override
  public synchronized Configuration current() {
    return current;
  }

  @Override
  public synchronized void apply(Configuration configuration) throws ApplyFailedException {
    Configuration next;
    try {
      next = knobs.validate(current.overlay(configuration));
    } catch (IllegalArgumentException e) {
      throw new ApplyFailedException(ApplyFailedException.Reason.REJECTED, e.getMessage(), e);
    }
    if (next.getLong("batch_size") == 64 && next.getString("quantization").equals("fp32")) {
      throw new ApplyFailedException(
          ApplyFailedException.Reason.OUT_OF_MEMORY, "batch 64 in fp32 does not fit");
    }
    advance();
    current = next;
    appliedNanos = ticker.nanos();
    applied.add(next);
  }

  private void advance() {
    long now = ticker.nanos();
    double dt = (now - lastNanos) / 1e9;
    lastNanos = now;
    double serving = (now - appliedNanos) / 1e9;
    double factor = noise == null ? 1 : Math.max(0, 1 + noiseSd * noise.nextGaussian());
    double n = performance.throughput(current, serving) * dt * factor;
    requests += n;
    double lat = performance.latencySeconds(current, serving);
    int b = 0;
    while (b < BOUNDS.length && BOUNDS[b] < lat) {
      b++;
    }
    latencyCounts[b] += Math.round(n);
    latencySum += lat * Math.round(n);
  }

  @Override
  public MetricSource metrics() {
    return () -> {
      synchronized (this) {
        advance();
        double[] bounds = new double[BOUNDS.length + 1];
        long[] cumulative = new long[BOUNDS.length + 1];
        long running = 0;
        for (int i = 0; i < bounds.length; i++) {
          bounds[i] = i < BOUNDS.length ? BOUNDS[i] : Double.POSITIVE_INFINITY;
          running += latencyCounts[i];
          cumulative[i] = running;
        }
        return new MetricSnapshot(
            ticker.nanos(),
            Map.of(Metrics.SOURCE_REQUESTS, Math.floor(requests), Metrics.SOURCE_ERRORS, 0.0),
            Map.of(
                Metrics.SOURCE_ACCURACY,
                current.getString("quantization").equals("int8") ? 0.97 : 1.0),
            Map.of(
                Metrics.SOURCE_LATENCY_SECONDS,
                new HistogramSnapshot(bounds, cumulative, latencySum)));
      }
    };
  }

  @Override
  public RequestSink requests() {
    return request -> CompletableFuture.completedFuture(null);
  }

  @Override
  public boolean liveReconfigurable() {
    return true;
  }

  @Override
  public void close() {}
}
