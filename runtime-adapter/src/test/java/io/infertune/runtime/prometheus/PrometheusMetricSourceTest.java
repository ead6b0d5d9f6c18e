package io.infertune.runtime.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.testkit.ManualTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Snapshots of each runtime kind, scraped over real HTTP on loopback from pages as the runtimes
 * write them, through the kind's mapping resource.
 */
class PrometheusMetricSourceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final double[] VLLM_LATENCY_BOUNDS = {
    0.3,
    0.5,
    0.8,
    1.0,
    1.5,
    2.0,
    2.5,
    5.0,
    10.0,
    15.0,
    20.0,
    30.0,
    40.0,
    50.0,
    60.0,
    120.0,
    240.0,
    480.0,
    960.0,
    1920.0,
    7680.0,
    Double.POSITIVE_INFINITY
  };

  private final ManualTicker ticker = new ManualTicker();

  /** The value of an unlabelled sample in one of the test pages. */
  private static double valueIn(String page, String sample) throws Exception {
    return Pages.parse(page).stream()
        .flatMap(f -> f.samples().stream())
        .filter(s -> s.name().equals(sample))
        .findFirst()
        .orElseThrow()
        .value();
  }

  @Test
  void vllmSnapshotsFollowThePageAcrossScrapes() throws Exception {
    try (PageServer server =
            PageServer.serving(Pages.read("vllm-1.txt"), Pages.read("vllm-2.txt"));
        PrometheusMetricSource source =
            PrometheusMetricSource.of("vllm", server.url(), TIMEOUT, ticker)) {
      MetricSnapshot before = source.sample();
      ticker.advance(Duration.ofSeconds(10));
      MetricSnapshot after = source.sample();

      assertThat(before.nanos()).isZero();
      assertThat(after.nanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
      // Finished requests over both engines, aborted and failed ones apart.
      assertThat(before.counter(Metrics.SOURCE_REQUESTS)).hasValue(60);
      assertThat(after.counter(Metrics.SOURCE_REQUESTS)).hasValue(160);
      assertThat(before.counter(Metrics.SOURCE_ERRORS)).hasValue(1);
      assertThat(after.counter(Metrics.SOURCE_ERRORS)).hasValue(4);
      assertThat(after.counter(Metrics.SOURCE_TOKENS)).hasValue(160 * 512);
      assertThat(after.counter(MetricMapping.GENERATED_TOKENS)).hasValue(160 * 128);
      assertThat(after.counter(Metrics.SOURCE_CACHE_HITS)).hasValue(160 * 128);
      assertThat(after.counter(Metrics.SOURCE_CACHE_MISSES)).hasValue(160 * 384);
      assertThat(after.counter(Metrics.SOURCE_CPU_SECONDS))
          .hasValue(valueIn("vllm-2.txt", "process_cpu_seconds_total"));
      assertThat(after.gauge(Metrics.SOURCE_MEMORY_BYTES))
          .hasValue(valueIn("vllm-2.txt", "process_resident_memory_bytes"));
      assertThat(before.gauge(MetricMapping.REQUESTS_RUNNING)).hasValue(5);
      assertThat(after.gauge(MetricMapping.REQUESTS_RUNNING)).hasValue(9);
      assertThat(after.gauge(EmbeddedRuntime.QUEUE_DEPTH_GAUGE)).hasValue(2);

      HistogramSnapshot latency = after.histogram(Metrics.SOURCE_LATENCY_SECONDS).orElseThrow();
      assertThat(latency.upperBounds()).containsExactly(VLLM_LATENCY_BOUNDS);
      assertThat(latency.count()).isEqualTo(160);
      assertThat(before.histogram(Metrics.SOURCE_LATENCY_SECONDS).orElseThrow().count())
          .isEqualTo(60);
      assertThat(after.histogram(MetricMapping.TIME_TO_FIRST_TOKEN_SECONDS).orElseThrow().count())
          .isEqualTo(160);
      assertThat(after.histogram(MetricMapping.INTER_TOKEN_LATENCY_SECONDS).orElseThrow().count())
          .isEqualTo(160);
      assertThat(server.acceptHeaders()).allMatch("text/plain;version=0.0.4"::equals);
    }
  }

  @Test
  void tgiSnapshotCountsSuccessesFailuresAndTokensFromHistogramSums() throws Exception {
    try (PageServer server = PageServer.serving(Pages.read("tgi.txt"));
        PrometheusMetricSource source =
            PrometheusMetricSource.of("tgi", server.url(), TIMEOUT, ticker)) {
      MetricSnapshot s = source.sample();

      assertThat(s.counter(Metrics.SOURCE_REQUESTS)).hasValue(1500);
      assertThat(s.counter(Metrics.SOURCE_ERRORS)).hasValue(15);
      assertThat(s.counter(Metrics.SOURCE_TOKENS)).hasValue(1_129_312);
      assertThat(s.counter(MetricMapping.GENERATED_TOKENS)).hasValue(394_646);
      assertThat(s.gauge(MetricMapping.REQUESTS_RUNNING)).hasValue(12);
      assertThat(s.gauge(EmbeddedRuntime.QUEUE_DEPTH_GAUGE)).hasValue(4);
      HistogramSnapshot latency = s.histogram(Metrics.SOURCE_LATENCY_SECONDS).orElseThrow();
      assertThat(latency.count()).isEqualTo(1500);
      assertThat(latency.upperBounds()).hasSize(36);
      assertThat(latency.sum()).isCloseTo(2267.3424409134122, within(1e-9));
      assertThat(s.histogram(MetricMapping.INTER_TOKEN_LATENCY_SECONDS)).isPresent();
      // TGI has no time-to-first-token histogram: absent, not an error.
      assertThat(s.histogram(MetricMapping.TIME_TO_FIRST_TOKEN_SECONDS)).isEmpty();
    }
  }

  @Test
  void llamaCppSnapshotHasTokensAndSlotsButNoRequestCounts() throws Exception {
    try (PageServer server = PageServer.serving(Pages.read("llamacpp.txt"));
        PrometheusMetricSource source =
            PrometheusMetricSource.of("llamacpp", server.url(), TIMEOUT, ticker)) {
      MetricSnapshot s = source.sample();

      assertThat(s.counters())
          .containsOnlyKeys(Metrics.SOURCE_TOKENS, MetricMapping.GENERATED_TOKENS)
          .containsEntry(Metrics.SOURCE_TOKENS, 1_234_570.0)
          .containsEntry(MetricMapping.GENERATED_TOKENS, 39_080.0);
      assertThat(s.gauge(MetricMapping.REQUESTS_RUNNING)).hasValue(2);
      assertThat(s.gauge(EmbeddedRuntime.QUEUE_DEPTH_GAUGE)).hasValue(1);
      assertThat(s.histograms()).isEmpty();
    }
  }

  @Test
  void sglangSnapshotFallsBackToTheOlderInterTokenName() throws Exception {
    try (PageServer server = PageServer.serving(Pages.read("sglang.txt"));
        PrometheusMetricSource source =
            PrometheusMetricSource.of("sglang", server.url(), TIMEOUT, ticker)) {
      MetricSnapshot s = source.sample();

      assertThat(s.counter(Metrics.SOURCE_TOKENS)).hasValue(8_128_902);
      assertThat(s.counter(MetricMapping.GENERATED_TOKENS)).hasValue(7_557_572);
      // The docs' page predates num_requests_total: the request count is absent.
      assertThat(s.counter(Metrics.SOURCE_REQUESTS)).isEmpty();
      assertThat(s.histogram(Metrics.SOURCE_LATENCY_SECONDS).orElseThrow().count())
          .isEqualTo(11_228);
      assertThat(s.histogram(MetricMapping.TIME_TO_FIRST_TOKEN_SECONDS).orElseThrow().count())
          .isEqualTo(11_008);
      assertThat(s.histogram(MetricMapping.INTER_TOKEN_LATENCY_SECONDS).orElseThrow().count())
          .isEqualTo(7_400_757);
      assertThat(s.gauge(MetricMapping.REQUESTS_RUNNING)).hasValue(162);
      assertThat(s.gauge(EmbeddedRuntime.QUEUE_DEPTH_GAUGE)).hasValue(2826);
    }
  }

  @Test
  void embeddedRuntimeSnapshotsFollowALiveMicrometerRegistry() throws Exception {
    EmbeddedRuntimeMeters meters = new EmbeddedRuntimeMeters();
    try (PageServer server = PageServer.serving(meters::scrape);
        PrometheusMetricSource source =
            PrometheusMetricSource.of("infertune-embedded", server.url(), TIMEOUT, ticker)) {
      meters.answered(20, Duration.ofMillis(3), 4, 10);
      MetricSnapshot before = source.sample();
      meters.answered(80, Duration.ofMillis(15), 8, 10);
      meters.errors.increment(5);
      meters.hits.increment(30);
      meters.misses.increment(70);
      meters.cpuMillis.set(1500);
      ticker.advance(Duration.ofSeconds(2));
      MetricSnapshot after = source.sample();

      assertThat(before.counter(Metrics.SOURCE_REQUESTS)).hasValue(20);
      assertThat(after.counter(Metrics.SOURCE_REQUESTS)).hasValue(100);
      assertThat(after.counter(Metrics.SOURCE_ERRORS)).hasValue(5);
      assertThat(after.counter(Metrics.SOURCE_TOKENS)).hasValue(1000);
      assertThat(after.counter(Metrics.SOURCE_CACHE_HITS)).hasValue(30);
      assertThat(after.counter(Metrics.SOURCE_CACHE_MISSES)).hasValue(70);
      assertThat(after.counter(Metrics.SOURCE_CPU_SECONDS)).hasValue(1.5);
      assertThat(after.counter(EmbeddedRuntime.BATCHES_COUNTER)).hasValue(5 + 10);
      assertThat(after.gauge(Metrics.SOURCE_ACCURACY)).hasValue(0.992);
      assertThat(after.gauge(Metrics.SOURCE_MEMORY_BYTES)).hasValue(300.0 * 1024 * 1024);

      HistogramSnapshot window =
          after
              .histogram(Metrics.SOURCE_LATENCY_SECONDS)
              .orElseThrow()
              .minus(before.histogram(Metrics.SOURCE_LATENCY_SECONDS).orElseThrow());
      assertThat(window.upperBounds())
          .containsExactly(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, Double.POSITIVE_INFINITY);
      // All 80 in (10 ms, 20 ms]: the median interpolates to the middle of that bucket.
      assertThat(window.count()).isEqualTo(80);
      assertThat(window.quantile(0.5)).isCloseTo(0.015, within(1e-12));
      assertThat(window.mean()).isCloseTo(0.015, within(1e-9));
      assertThat(after.histogram(EmbeddedRuntime.BATCH_SIZE_HISTOGRAM).orElseThrow().count())
          .isEqualTo(15);
    }
  }

  @Test
  void aFailedScrapeFailsTheSampleWithTheReason() throws Exception {
    try (PageServer server = PageServer.answering(503, "loading model");
        PrometheusMetricSource source =
            PrometheusMetricSource.of("vllm", server.url(), TIMEOUT, ticker)) {
      assertThatThrownBy(source::sample)
          .isInstanceOf(MetricSourceException.class)
          .hasMessageContaining("HTTP 503: loading model");
    }
  }
}
