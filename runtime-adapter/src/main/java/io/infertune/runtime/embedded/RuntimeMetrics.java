package io.infertune.runtime.embedded;

import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.Metrics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The embedded runtime's counters and histograms, cumulative since start.
 *
 * @implNote lock-free and thread-safe.
 */
final class RuntimeMetrics {
  /** Latency buckets: 10 % apart from 0.1 ms to 60 s, so quantiles are within about 5 %. */
  static final double[] LATENCY_BOUNDS_SECONDS =
      CumulativeHistogram.exponentialBounds(1e-4, 1.1, 60);

  private final LongAdder requests = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder tokens = new LongAdder();
  private final LongAdder cacheHits = new LongAdder();
  private final LongAdder cacheMisses = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final CumulativeHistogram latency = new CumulativeHistogram(LATENCY_BOUNDS_SECONDS);
  private final CumulativeHistogram batchSize;

  RuntimeMetrics(int maxBatchSize) {
    batchSize = new CumulativeHistogram(CumulativeHistogram.integerBounds(maxBatchSize));
  }

  /** A request answered successfully after {@code latencyNanos} from its arrival. */
  void completed(long latencyNanos, int inputTokens) {
    requests.increment();
    tokens.add(inputTokens);
    latency.record(Math.max(0, latencyNanos) / 1e9);
  }

  void failed(int count) {
    errors.add(count);
  }

  void cacheHit() {
    cacheHits.increment();
  }

  void cacheMiss() {
    cacheMisses.increment();
  }

  /** One inference over {@code size} requests. */
  void batch(int size) {
    batches.increment();
    batchSize.record(size);
  }

  /** A snapshot at {@code nanos} with the given gauges and the process's CPU time. */
  MetricSnapshot snapshot(long nanos, Map<String, Double> gauges) {
    Map<String, Double> counters = new HashMap<>();
    counters.put(Metrics.SOURCE_REQUESTS, (double) requests.sum());
    counters.put(Metrics.SOURCE_ERRORS, (double) errors.sum());
    counters.put(Metrics.SOURCE_TOKENS, (double) tokens.sum());
    counters.put(Metrics.SOURCE_CACHE_HITS, (double) cacheHits.sum());
    counters.put(Metrics.SOURCE_CACHE_MISSES, (double) cacheMisses.sum());
    counters.put(EmbeddedRuntime.BATCHES_COUNTER, (double) batches.sum());
    ProcessStats.cpuSeconds().ifPresent(s -> counters.put(Metrics.SOURCE_CPU_SECONDS, s));
    return new MetricSnapshot(
        nanos,
        counters,
        gauges,
        Map.of(
            Metrics.SOURCE_LATENCY_SECONDS,
            latency.snapshot(),
            EmbeddedRuntime.BATCH_SIZE_HISTOGRAM,
            batchSize.snapshot()));
  }
}
