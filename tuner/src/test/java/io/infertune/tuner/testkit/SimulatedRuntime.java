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
 */
public final class SimulatedRuntime implements RuntimeAdapter {
  private static final double[] BOUNDS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1};

  private final ManualTicker ticker;
  private final SearchSpace knobs =
      SearchSpace.of(
          Parameter.ordinal("batch_size", 1, 4, 16, 64),
          Parameter.categorical("quantization", "fp32", "int8"));
  private final Configuration defaults = Configuration.of("batch_size", 1, "quantization", "fp32");
  private final List<Configuration> applied = new ArrayList<>();

  private Configuration current = defaults;
  private long lastNanos;
  private double requests;
  private final long[] latencyCounts = new long[BOUNDS.length + 1];
  private double latencySum;

  public SimulatedRuntime(ManualTicker ticker) {
    this.ticker = ticker;
    this.lastNanos = ticker.nanos();
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
    return "sim";
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
    applied.add(next);
  }

  private void advance() {
    long now = ticker.nanos();
    double dt = (now - lastNanos) / 1e9;
    lastNanos = now;
    double n = throughput(current) * dt;
    requests += n;
    double lat = latencySeconds(current);
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
