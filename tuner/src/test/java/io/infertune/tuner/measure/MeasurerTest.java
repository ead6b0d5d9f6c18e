package io.infertune.tuner.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.SimulatedRuntime;
import io.infertune.tuner.testkit.TrickleWorkload;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MeasurerTest {
  private final ManualTicker ticker = new ManualTicker();
  private final Measurer measurer = new Measurer(ticker, 2);
  private final MeasurementSpec spec =
      new MeasurementSpec(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(1));

  @Test
  void derivesThroughputLatencyAndGaugesFromSnapshots() throws Exception {
    SimulatedRuntime runtime = new SimulatedRuntime(ticker);
    runtime.apply(Configuration.of("batch_size", 4, "quantization", "int8"));
    Measurement m = measurer.measure(runtime, new TrickleWorkload(), spec);

    // 100 * sqrt(4) * 2 = 400 requests per second, counted in whole requests per 1 s interval.
    assertThat(m.value(Metrics.THROUGHPUT_RPS).getAsDouble()).isCloseTo(400, within(1.0));
    assertThat(m.summary(Metrics.THROUGHPUT_RPS).orElseThrow().count()).isEqualTo(10);
    assertThat(m.window()).isEqualTo(Duration.ofSeconds(10));
    // 16 ms latency falls in the (10, 20] ms bucket.
    assertThat(m.value(Metrics.LATENCY_P95_MS).getAsDouble()).isBetween(10.0, 20.0);
    assertThat(m.value(Metrics.ACCURACY).getAsDouble()).isEqualTo(0.97);
    assertThat(m.value(Metrics.ERROR_RATE).getAsDouble()).isZero();
    assertThat(m.value(Metrics.CACHE_HIT_RATE)).isEmpty();
  }

  @Test
  void aStableRateHasANarrowConfidenceInterval() throws Exception {
    Measurement m = measurer.measure(new SimulatedRuntime(ticker), new TrickleWorkload(), spec);
    ConfidenceInterval ci = m.summary(Metrics.THROUGHPUT_RPS).orElseThrow().ci().orElseThrow();
    assertThat(ci.relativeHalfWidth()).isLessThan(0.01);
    assertThat(ci.low()).isLessThanOrEqualTo(100.0);
    assertThat(ci.high()).isGreaterThanOrEqualTo(99.0);
  }

  @Test
  void aFailingMetricSourceFailsTheMeasurementWithItsReason() {
    SimulatedRuntime sim = new SimulatedRuntime(ticker);
    RuntimeAdapter broken =
        new DelegatingRuntime(sim) {
          @Override
          public MetricSource metrics() {
            return () -> {
              throw new MetricSourceException("scrape of http://127.0.0.1:9/metrics timed out");
            };
          }
        };
    assertThatThrownBy(() -> measurer.measure(broken, new TrickleWorkload(), spec))
        .isInstanceOf(MeasurementException.class)
        .hasMessageContaining("timed out");
  }

  @Test
  void aWindowWithoutCompletedRequestsIsAnError() {
    MetricSnapshot a =
        new MetricSnapshot(0, Map.of(Metrics.SOURCE_REQUESTS, 5.0), Map.of(), Map.of());
    MetricSnapshot b =
        new MetricSnapshot(
            1_000_000_000L, Map.of(Metrics.SOURCE_REQUESTS, 5.0), Map.of(), Map.of());
    assertThatThrownBy(() -> measurer.summarize(List.of(a, b)))
        .isInstanceOf(MeasurementException.class)
        .hasMessageContaining("no request completed");
  }

  @Test
  void vocabularyMetricsReportedAsGaugesPassThroughAsTheirMean() throws Exception {
    // A program that generates its own load reports throughput_rps and latency_p95_ms itself; the
    // tuner's single request must not become the throughput.
    MetricSnapshot a =
        new MetricSnapshot(
            0,
            Map.of(Metrics.SOURCE_REQUESTS, 1.0),
            Map.of(Metrics.THROUGHPUT_RPS, 800.0, Metrics.LATENCY_P95_MS, 40.0),
            Map.of());
    MetricSnapshot b =
        new MetricSnapshot(
            1_000_000_000L,
            Map.of(Metrics.SOURCE_REQUESTS, 2.0),
            Map.of(Metrics.THROUGHPUT_RPS, 820.0, Metrics.LATENCY_P95_MS, 44.0, "queue_depth", 3.0),
            Map.of());
    Measurement m = measurer.summarize(List.of(a, b));
    assertThat(m.value(Metrics.THROUGHPUT_RPS).getAsDouble()).isCloseTo(810, within(1e-9));
    assertThat(m.value(Metrics.LATENCY_P95_MS).getAsDouble()).isCloseTo(42, within(1e-9));
    // Gauges that are not vocabulary names are not reported.
    assertThat(m.metrics()).doesNotContainKey("queue_depth");
  }

  @Test
  void counterResetsCountAsNewAndRatiosUseTheWholeWindow() throws Exception {
    MetricSnapshot a =
        new MetricSnapshot(
            0,
            Map.of(
                Metrics.SOURCE_REQUESTS, 1000.0,
                Metrics.SOURCE_ERRORS, 0.0,
                Metrics.SOURCE_CACHE_HITS, 10.0,
                Metrics.SOURCE_CACHE_MISSES, 10.0,
                Metrics.SOURCE_CPU_SECONDS, 5.0),
            Map.of(),
            Map.of());
    MetricSnapshot b =
        new MetricSnapshot(
            2_000_000_000L,
            Map.of(
                Metrics.SOURCE_REQUESTS, 90.0,
                Metrics.SOURCE_ERRORS, 10.0,
                Metrics.SOURCE_CACHE_HITS, 40.0,
                Metrics.SOURCE_CACHE_MISSES, 20.0,
                Metrics.SOURCE_CPU_SECONDS, 7.0),
            Map.of(),
            Map.of());
    Measurement m = measurer.summarize(List.of(a, b));
    assertThat(m.value(Metrics.THROUGHPUT_RPS).getAsDouble()).isEqualTo(45.0);
    assertThat(m.value(Metrics.ERROR_RATE).getAsDouble()).isEqualTo(0.1);
    assertThat(m.value(Metrics.CACHE_HIT_RATE).getAsDouble()).isCloseTo(0.75, within(1e-12));
    // 2 CPU seconds in 2 s on 2 cores.
    assertThat(m.value(Metrics.CPU_UTILIZATION).getAsDouble()).isEqualTo(0.5);
  }

  private static final double[] BOUNDS = {0.01, 0.05, 0.1, Double.POSITIVE_INFINITY};

  /** A histogram over {@link #BOUNDS} (s) with {@code counts} per bucket, not cumulative. */
  private static HistogramSnapshot histogram(double sum, long... counts) {
    long[] cumulative = new long[counts.length];
    long c = 0;
    for (int i = 0; i < counts.length; i++) {
      c += counts[i];
      cumulative[i] = c;
    }
    return new HistogramSnapshot(BOUNDS, cumulative, sum);
  }

  /** A runtime whose metric source returns {@code snapshots} in turn, stamped with the ticker. */
  private RuntimeAdapter scripted(List<Map<String, Object>> snapshots) {
    AtomicInteger next = new AtomicInteger();
    return new DelegatingRuntime(new SimulatedRuntime(ticker)) {
      @Override
      public MetricSource metrics() {
        return () -> {
          Map<String, Object> v =
              snapshots.get(Math.min(next.getAndIncrement(), snapshots.size() - 1));
          Map<String, Double> counters = new HashMap<>();
          Map<String, HistogramSnapshot> histograms = new HashMap<>();
          v.forEach(
              (k, x) -> {
                if (x instanceof HistogramSnapshot h) {
                  histograms.put(k, h);
                } else {
                  counters.put(k, (Double) x);
                }
              });
          return new MetricSnapshot(ticker.nanos(), counters, Map.of(), histograms);
        };
      }
    };
  }

  /** No warm-up, one 10 s interval: the window is the first two snapshots. */
  private final MeasurementSpec oneInterval =
      new MeasurementSpec(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(10));

  @Test
  void derivesTimeToFirstTokenAndInterTokenLatencyLikeLatency() throws Exception {
    RuntimeAdapter runtime =
        scripted(
            List.of(
                Map.of(
                    Metrics.SOURCE_REQUESTS, 0.0,
                    Metrics.SOURCE_TTFT_SECONDS, histogram(0.1, 0, 2, 0, 0),
                    Metrics.SOURCE_ITL_SECONDS, histogram(0, 0, 0, 0, 0)),
                Map.of(
                    Metrics.SOURCE_REQUESTS, 10.0,
                    // 10 new first tokens: 2 in (0.01, 0.05], 8 in (0.05, 0.1] s.
                    Metrics.SOURCE_TTFT_SECONDS, histogram(0.1 + 0.7, 0, 4, 8, 0),
                    // 100 gaps, all in (0, 0.01] s, 0.5 s in all.
                    Metrics.SOURCE_ITL_SECONDS, histogram(0.5, 100, 0, 0, 0))));

    Measurement m = measurer.measure(runtime, new TrickleWorkload(), oneInterval);

    MetricSummary ttft = m.summary(Metrics.TTFT_MS).orElseThrow();
    assertThat(ttft.count()).isEqualTo(10);
    assertThat(ttft.mean()).isCloseTo(70.0, within(1e-9));
    // Rank 9.5 of 10 lies in (50, 100] ms, which holds ranks 3..10: 50 + 50 * 7.5 / 8.
    assertThat(m.value(Metrics.TTFT_P95_MS).getAsDouble()).isCloseTo(96.875, within(1e-9));
    assertThat(m.summary(Metrics.ITL_MS).orElseThrow().mean()).isCloseTo(5.0, within(1e-9));
    // Rank 95 of 100 in (0, 10] ms: 10 * 95 / 100.
    assertThat(m.value(Metrics.ITL_P95_MS).getAsDouble()).isCloseTo(9.5, within(1e-9));
    assertThat(m.value(Metrics.LATENCY_MS)).isEmpty();
  }

  @Test
  void tokenThroughputIsOfOutputTokensWhenTheSourceCountsThem() throws Exception {
    Map<String, Object> before =
        Map.of(
            Metrics.SOURCE_REQUESTS, 0.0,
            Metrics.SOURCE_TOKENS, 0.0,
            Metrics.SOURCE_OUTPUT_TOKENS, 0.0);
    Map<String, Object> after =
        Map.of(
            Metrics.SOURCE_REQUESTS, 10.0,
            Metrics.SOURCE_TOKENS, 5000.0,
            Metrics.SOURCE_OUTPUT_TOKENS, 1200.0);
    Measurement generative =
        measurer.measure(scripted(List.of(before, after)), new TrickleWorkload(), oneInterval);
    // 1200 output tokens in 10 s; the 5000 prompt tokens are not what the runtime produced.
    assertThat(generative.value(Metrics.THROUGHPUT_TOKENS_PER_S)).hasValue(120.0);

    Measurement embedding =
        measurer.measure(
            scripted(
                List.of(
                    Map.of(Metrics.SOURCE_REQUESTS, 0.0, Metrics.SOURCE_TOKENS, 0.0),
                    Map.of(Metrics.SOURCE_REQUESTS, 10.0, Metrics.SOURCE_TOKENS, 5000.0))),
            new TrickleWorkload(),
            oneInterval);
    assertThat(embedding.value(Metrics.THROUGHPUT_TOKENS_PER_S)).hasValue(500.0);
  }

  @Test
  void aCounterCreatedDuringTheWindowCountsFromZero() throws Exception {
    MetricSnapshot a =
        new MetricSnapshot(0, Map.of(Metrics.SOURCE_REQUESTS, 100.0), Map.of(), Map.of());
    MetricSnapshot b =
        new MetricSnapshot(
            1_000_000_000L,
            Map.of(Metrics.SOURCE_REQUESTS, 190.0, Metrics.SOURCE_ERRORS, 10.0),
            Map.of(),
            Map.of());
    Measurement m = measurer.summarize(List.of(a, b));
    // TGI creates its failure counter at the first failure: 10 failures against 90 successes.
    assertThat(m.value(Metrics.ERROR_RATE).getAsDouble()).isCloseTo(0.1, within(1e-12));
  }

  @Test
  void outputTokensThatAppearLateStillMakeTheTokenThroughput() throws Exception {
    MetricSnapshot a =
        new MetricSnapshot(
            0,
            Map.of(Metrics.SOURCE_REQUESTS, 0.0, Metrics.SOURCE_TOKENS, 0.0),
            Map.of(),
            Map.of());
    MetricSnapshot b =
        new MetricSnapshot(
            2_000_000_000L,
            Map.of(
                Metrics.SOURCE_REQUESTS, 4.0,
                Metrics.SOURCE_TOKENS, 4000.0,
                Metrics.SOURCE_OUTPUT_TOKENS, 400.0),
            Map.of(),
            Map.of());
    assertThat(measurer.summarize(List.of(a, b)).value(Metrics.THROUGHPUT_TOKENS_PER_S))
        .hasValue(200.0);
  }

  @Test
  void histogramBucketsThatChangeCountAsAReset() throws Exception {
    double[] otherBounds = {0.02, 0.2, Double.POSITIVE_INFINITY};
    MetricSnapshot a =
        new MetricSnapshot(
            0,
            Map.of(Metrics.SOURCE_REQUESTS, 500.0),
            Map.of(),
            Map.of(Metrics.SOURCE_LATENCY_SECONDS, histogram(20, 0, 0, 500, 0)));
    // The runtime restarted with other buckets: 4 requests since, 2 in each finite bucket.
    MetricSnapshot b =
        new MetricSnapshot(
            1_000_000_000L,
            Map.of(Metrics.SOURCE_REQUESTS, 4.0),
            Map.of(),
            Map.of(
                Metrics.SOURCE_LATENCY_SECONDS,
                new HistogramSnapshot(otherBounds, new long[] {2, 4, 4}, 0.24)));
    Measurement m = measurer.summarize(List.of(a, b));
    MetricSummary latency = m.summary(Metrics.LATENCY_MS).orElseThrow();
    assertThat(latency.count()).isEqualTo(4);
    assertThat(latency.mean()).isCloseTo(60.0, within(1e-9));
    assertThat(m.value(Metrics.THROUGHPUT_RPS)).hasValue(4.0);
  }

  @Test
  void aScrapeInterruptedByAStopIsAnInterruption() {
    RuntimeAdapter stopped =
        new DelegatingRuntime(new SimulatedRuntime(ticker)) {
          @Override
          public MetricSource metrics() {
            return () -> {
              throw new MetricSourceException(
                  "scrape interrupted", new InterruptedException("campaign stopped"));
            };
          }
        };
    assertThatThrownBy(() -> measurer.measure(stopped, new TrickleWorkload(), spec))
        .isInstanceOf(InterruptedException.class)
        .hasRootCauseMessage("campaign stopped");
  }

  @Test
  void aFailedScrapeWhileInterruptedIsAnInterruption() {
    RuntimeAdapter stopped =
        new DelegatingRuntime(new SimulatedRuntime(ticker)) {
          @Override
          public MetricSource metrics() {
            return () -> {
              // The HTTP client saw the interrupt and failed without saying why.
              Thread.currentThread().interrupt();
              throw new MetricSourceException("scrape of http://127.0.0.1:9/metrics failed");
            };
          }
        };
    try {
      assertThatThrownBy(() -> measurer.measure(stopped, new TrickleWorkload(), oneInterval))
          .isInstanceOf(InterruptedException.class)
          .hasCauseInstanceOf(MetricSourceException.class);
    } finally {
      Thread.interrupted(); // leave the test thread as it was
    }
  }

  /** Forwards everything to another runtime; tests override what they break. */
  abstract static class DelegatingRuntime implements RuntimeAdapter {
    private final RuntimeAdapter delegate;

    DelegatingRuntime(RuntimeAdapter delegate) {
      this.delegate = delegate;
    }

    @Override
    public String id() {
      return delegate.id();
    }

    @Override
    public String kind() {
      return delegate.kind();
    }

    @Override
    public io.infertune.tuner.space.SearchSpace knobs() {
      return delegate.knobs();
    }

    @Override
    public Configuration defaults() {
      return delegate.defaults();
    }

    @Override
    public Configuration current() {
      return delegate.current();
    }

    @Override
    public void apply(Configuration c) throws io.infertune.tuner.runtime.ApplyFailedException {
      delegate.apply(c);
    }

    @Override
    public MetricSource metrics() {
      return delegate.metrics();
    }

    @Override
    public io.infertune.tuner.runtime.RequestSink requests() {
      return delegate.requests();
    }

    @Override
    public boolean liveReconfigurable() {
      return delegate.liveReconfigurable();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
