package io.infertune.runtime.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.Measurer;
import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.TrickleWorkload;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The real {@link Measurer} over two scrapes of a vLLM server 10 s apart (pages/vllm-1.txt and
 * vllm-2.txt, whose traffic generate_vllm_pages.py describes): rates from counters, quantiles from
 * the latency histogram's increase, as Prometheus' {@code rate} and {@code histogram_quantile} do.
 */
class MeasurerOverVllmScrapesTest {

  /**
   * A vLLM server Infertune cannot reconfigure here: only its metrics, which come from a real
   * scrape of a loopback server that serves the two pages.
   */
  private record ScrapedVllm(MetricSource metrics) implements RuntimeAdapter {
    @Override
    public String id() {
      return "vllm-under-test";
    }

    @Override
    public String kind() {
      return "vllm";
    }

    @Override
    public SearchSpace knobs() {
      return SearchSpace.of(Parameter.ordinal("max_num_seqs", 128, 256));
    }

    @Override
    public Configuration defaults() {
      return Configuration.of("max_num_seqs", 256);
    }

    @Override
    public Configuration current() {
      return defaults();
    }

    @Override
    public void apply(Configuration configuration) {}

    @Override
    public RequestSink requests() {
      return request -> CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean liveReconfigurable() {
      return false;
    }

    @Override
    public void close() {}
  }

  @Test
  void derivesThroughputAndLatencyQuantilesFromTwoScrapes() throws Exception {
    ManualTicker ticker = new ManualTicker();
    Measurement m;
    try (PageServer server =
            PageServer.serving(Pages.read("vllm-1.txt"), Pages.read("vllm-2.txt"));
        PrometheusMetricSource source =
            PrometheusMetricSource.of("vllm", server.url(), Duration.ofSeconds(5), ticker)) {
      // One interval: the sample after the 5 s warm-up, and the one 10 s later.
      MeasurementSpec spec =
          new MeasurementSpec(
              Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10));
      m = new Measurer(ticker, 8).measure(new ScrapedVllm(source), new TrickleWorkload(), spec);
      assertThat(server.requests()).isEqualTo(2);
    }

    assertThat(m.window()).isEqualTo(Duration.ofSeconds(10));
    // 100 requests finished in the 10 s window.
    assertThat(m.value(Metrics.THROUGHPUT_RPS)).hasValue(10.0);
    // Of output tokens, which vLLM counts: 7 680 -> 20 480 generated, 128 per request (the 512
    // prompt tokens each would make 5 120 per second).
    assertThat(m.value(Metrics.THROUGHPUT_TOKENS_PER_S)).hasValue(1280.0);
    // 2 aborted and 1 failed against 100 finished.
    assertThat(m.value(Metrics.ERROR_RATE).getAsDouble()).isCloseTo(3.0 / 103, within(1e-12));
    // 12 800 of 51 200 prompt tokens found in the prefix cache.
    assertThat(m.value(Metrics.CACHE_HIT_RATE)).hasValue(0.25);

    // The window's latencies, summed over both engines, cumulative by bound (s):
    // 0.5: 10, 0.8: 40, 1.0: 80, 1.5: 96, 2.0: 100. histogram_quantile interpolates linearly in
    // the bucket that holds the rank: p95 (rank 95) in (1.0, 1.5]: 1.0 + 0.5 * (95 - 80) / 16;
    // p50 (rank 50) in (0.8, 1.0]: 0.8 + 0.2 * (50 - 40) / 40.
    assertThat(m.value(Metrics.LATENCY_P95_MS).getAsDouble()).isCloseTo(1468.75, within(1e-9));
    assertThat(m.value(Metrics.LATENCY_P50_MS).getAsDouble()).isCloseTo(850.0, within(1e-9));
    // p99 (rank 99) in (1.5, 2.0]: 1.5 + 0.5 * (99 - 96) / 4.
    assertThat(m.value(Metrics.LATENCY_P99_MS).getAsDouble()).isCloseTo(1875.0, within(1e-9));
    assertThat(m.summary(Metrics.LATENCY_MS).orElseThrow().count()).isEqualTo(100);
    // The mean comes from _sum: 10 x 0.4 + 20 x 0.6 + 10 x 0.75 + 20 x 0.9 + 20 x 0.95 + 10 x 1.2
    // + 6 x 1.4 + 4 x 1.8 = 88.1 s over 100 requests.
    assertThat(m.value(Metrics.LATENCY_MS).getAsDouble()).isCloseTo(881.0, within(1e-6));
    assertThat(m.value(Metrics.MEMORY_MB)).isPresent();
  }
}
