package io.infertune.tuner.testkit;

import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.SearchSpace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToDoubleFunction;

/**
 * {@link SimulatedRuntime}'s knobs and landscape with the shapes real runtimes have over time, each
 * optional, for tests of the measurement protocol on a {@link ManualTicker}:
 *
 * <ul>
 *   <li><b>noise</b>: the rate of each stretch between two samples is multiplied by {@code 1 + sd *
 *       N(0, 1)} (seeded), so per-interval throughput scatters around its level;
 *   <li><b>ramp</b>: after every apply the rate climbs linearly from half its level to all of it
 *       over the ramp (a cache filling, a JIT compiling), so a warm-up has something to wait for;
 *   <li><b>drift</b>: the machine slows by a fraction of the level per minute since creation (other
 *       tenants arriving), so a re-measured incumbent is worth less than its first measurement.
 * </ul>
 *
 * Throughput is {@link SimulatedRuntime#throughput} unless a landscape is given; latency is {@link
 * SimulatedRuntime#latencySeconds}; accuracy 0.97 for int8, else 1. Applies never fail.
 *
 * @implNote thread-safe (synchronized); deterministic for a seed and a sequence of calls.
 */
public final class ShapedRuntime implements RuntimeAdapter {
  private static final double[] BOUNDS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1};

  private final ManualTicker ticker;
  private final ToDoubleFunction<Configuration> landscape;
  private final double noise;
  private final Duration ramp;
  private final double driftPerMinute;
  private final Random random;
  private final SimulatedRuntime shape;
  private final List<Configuration> applied = new ArrayList<>();
  private final long createdNanos;

  private Configuration current;
  private long appliedNanos;
  private long lastNanos;
  private double requests;
  private final long[] latencyCounts = new long[BOUNDS.length + 1];
  private double latencySum;

  private ShapedRuntime(Builder b) {
    this.ticker = b.ticker;
    this.landscape = b.landscape;
    this.noise = b.noise;
    this.ramp = b.ramp;
    this.driftPerMinute = b.driftPerMinute;
    this.random = new Random(b.seed);
    this.shape = new SimulatedRuntime(b.ticker);
    this.current = shape.defaults();
    this.createdNanos = ticker.nanos();
    this.appliedNanos = createdNanos;
    this.lastNanos = createdNanos;
  }

  public static Builder builder(ManualTicker ticker) {
    return new Builder(ticker);
  }

  /** The rate of {@code c} with no noise, ramp or drift: what a perfect measurement would say. */
  public double level(Configuration c) {
    return landscape.applyAsDouble(c);
  }

  /** Every configuration applied, in order. */
  public synchronized List<Configuration> applied() {
    return List.copyOf(applied);
  }

  @Override
  public String id() {
    return "shaped";
  }

  @Override
  public String kind() {
    return "simulated";
  }

  @Override
  public SearchSpace knobs() {
    return shape.knobs();
  }

  @Override
  public Configuration defaults() {
    return shape.defaults();
  }

  @Override
  public synchronized Configuration current() {
    return current;
  }

  @Override
  public synchronized void apply(Configuration configuration) throws ApplyFailedException {
    advance();
    current = shape.knobs().validate(current.overlay(configuration));
    appliedNanos = ticker.nanos();
    applied.add(current);
  }

  private void advance() {
    long now = ticker.nanos();
    double dt = (now - lastNanos) / 1e9;
    if (dt <= 0) {
      return;
    }
    double rate = landscape.applyAsDouble(current);
    if (ramp.isPositive()) {
      double sinceApply = (lastNanos - appliedNanos) / (double) ramp.toNanos();
      rate *= 0.5 + 0.5 * Math.min(1, sinceApply);
    }
    double minutes = (lastNanos - createdNanos) / 60e9;
    rate *= Math.max(0.1, 1 - driftPerMinute * minutes);
    if (noise > 0) {
      rate *= Math.max(0, 1 + noise * random.nextGaussian());
    }
    lastNanos = now;
    double n = rate * dt;
    requests += n;
    double lat = SimulatedRuntime.latencySeconds(current);
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
            Map.of(Metrics.SOURCE_REQUESTS, requests, Metrics.SOURCE_ERRORS, 0.0),
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

  /** Builds a {@link ShapedRuntime}; every shape is off until set. */
  public static final class Builder {
    private final ManualTicker ticker;
    private ToDoubleFunction<Configuration> landscape = SimulatedRuntime::throughput;
    private double noise;
    private Duration ramp = Duration.ZERO;
    private double driftPerMinute;
    private long seed = 1;

    private Builder(ManualTicker ticker) {
      this.ticker = ticker;
    }

    /** Requests per second of a configuration (default {@link SimulatedRuntime#throughput}). */
    public Builder landscape(ToDoubleFunction<Configuration> requestsPerSecond) {
      this.landscape = requestsPerSecond;
      return this;
    }

    /** Relative standard deviation of the rate between two samples, e.g. 0.1 for ±10 %. */
    public Builder noise(double relativeSd, long seed) {
      if (!(relativeSd >= 0 && relativeSd < 1)) {
        throw new IllegalArgumentException("relativeSd must be in [0, 1)");
      }
      this.noise = relativeSd;
      this.seed = seed;
      return this;
    }

    /** The rate climbs from half to all of its level over {@code ramp} after every apply. */
    public Builder ramp(Duration ramp) {
      this.ramp = ramp;
      return this;
    }

    /** The machine loses this fraction of every rate per minute (floored at 10 % of the level). */
    public Builder drift(double fractionPerMinute) {
      this.driftPerMinute = fractionPerMinute;
      return this;
    }

    public ShapedRuntime build() {
      return new ShapedRuntime(this);
    }
  }
}
