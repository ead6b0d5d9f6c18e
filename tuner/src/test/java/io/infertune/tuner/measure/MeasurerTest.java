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
import java.util.List;
import java.util.Map;
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
