package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.runtime.prometheus.PrometheusMetricSource;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.measure.Ticker;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop closed with our own scraper: after real requests to the embedded runtime, Infertune's
 * {@code /metrics} read over loopback through the {@code infertune-embedded} mapping says what the
 * runtime says in process, counts and latency buckets alike.
 */
class EmbeddedRuntimeMetricsPageTest {
  @TempDir Path dataDir;

  @Test
  void scrapingTheServicesMetricsPageGivesTheRuntimesInProcessCountsAndBuckets() throws Exception {
    try (Infertune service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir));
        PrometheusMetricSource scraped =
            PrometheusMetricSource.of(
                "infertune-embedded",
                URI.create("http://127.0.0.1:" + service.port() + "/metrics"),
                Duration.ofSeconds(10),
                Ticker.system())) {
      EmbeddedRuntime runtime =
          (EmbeddedRuntime)
              ((InstrumentedRuntime) service.runtimes().find("embedded").orElseThrow()).unwrap();
      EmbeddedTraffic.batchingWithACache(runtime);
      EmbeddedTraffic.send(runtime, "page", 40, 10);

      // Nothing else sends requests, so both readings see the same, settled counters.
      MetricSnapshot page = scraped.sample();
      MetricSnapshot inProcess = runtime.metrics().sample();

      assertThat(page.counter(Metrics.SOURCE_REQUESTS)).hasValue(50);
      assertThat(page.counter(Metrics.SOURCE_CACHE_HITS)).hasValue(10);
      assertThat(page.counter(Metrics.SOURCE_CACHE_MISSES)).hasValue(40);
      for (String counter :
          new String[] {
            Metrics.SOURCE_REQUESTS,
            Metrics.SOURCE_ERRORS,
            Metrics.SOURCE_TOKENS,
            Metrics.SOURCE_CACHE_HITS,
            Metrics.SOURCE_CACHE_MISSES,
            EmbeddedRuntime.BATCHES_COUNTER
          }) {
        assertThat(page.counter(counter)).as(counter).isEqualTo(inProcess.counter(counter));
      }
      // Same bounds (the runtime's own, 10 % apart), same cumulative counts, same sum.
      assertThat(page.histogram(Metrics.SOURCE_LATENCY_SECONDS))
          .isEqualTo(inProcess.histogram(Metrics.SOURCE_LATENCY_SECONDS));
      assertThat(page.histogram(Metrics.SOURCE_LATENCY_SECONDS).orElseThrow().upperBounds())
          .hasSizeGreaterThan(100);
      assertThat(page.histogram(EmbeddedRuntime.BATCH_SIZE_HISTOGRAM))
          .isEqualTo(inProcess.histogram(EmbeddedRuntime.BATCH_SIZE_HISTOGRAM));
      assertThat(page.gauge(Metrics.SOURCE_ACCURACY)).hasValue(1.0);
      assertThat(page.gauge(EmbeddedRuntime.QUEUE_DEPTH_GAUGE)).hasValue(0);
      assertThat(page.gauge(EmbeddedRuntime.CACHE_SIZE_GAUGE))
          .isEqualTo(inProcess.gauge(EmbeddedRuntime.CACHE_SIZE_GAUGE))
          .hasValue(40);
      // Process-wide series: ours for memory, Micrometer's (in nanoseconds) for CPU time.
      assertThat(page.gauge(Metrics.SOURCE_MEMORY_BYTES).orElseThrow()).isGreaterThan(1e7);
      assertThat(page.counter(Metrics.SOURCE_CPU_SECONDS).orElseThrow()).isPositive();
    }
  }
}
