package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.runtime.prometheus.MetricFamily;
import io.infertune.runtime.prometheus.MetricMapping;
import io.infertune.runtime.prometheus.PrometheusTextParser;
import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.measure.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The collector's page, written by Micrometer's real Prometheus registry and read back by our own
 * parser and the {@code infertune-embedded} mapping, gives back the runtime's snapshot.
 */
class RuntimeMetricsCollectorTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** A snapshot shaped like the embedded runtime's, with bounds that need all their digits. */
  private static MetricSnapshot runtimeSnapshot() {
    Map<String, Double> counters = new HashMap<>();
    counters.put(Metrics.SOURCE_REQUESTS, 50.0);
    counters.put(Metrics.SOURCE_ERRORS, 2.0);
    counters.put(Metrics.SOURCE_TOKENS, 600.0);
    counters.put(Metrics.SOURCE_CACHE_HITS, 15.0);
    counters.put(Metrics.SOURCE_CACHE_MISSES, 35.0);
    counters.put(EmbeddedRuntime.BATCHES_COUNTER, 12.0);
    counters.put(Metrics.SOURCE_CPU_SECONDS, 3.25);
    return new MetricSnapshot(
        1,
        counters,
        Map.of(
            Metrics.SOURCE_ACCURACY, 0.99213,
            EmbeddedRuntime.QUEUE_DEPTH_GAUGE, 3.0,
            EmbeddedRuntime.CACHE_SIZE_GAUGE, 20.0,
            Metrics.SOURCE_MEMORY_BYTES, 3.0e8),
        Map.of(
            Metrics.SOURCE_LATENCY_SECONDS,
            new HistogramSnapshot(
                new double[] {0.000121, 0.0001331, 0.00146410, Double.POSITIVE_INFINITY},
                new long[] {0, 10, 49, 50},
                0.071234),
            EmbeddedRuntime.BATCH_SIZE_HISTOGRAM,
            new HistogramSnapshot(
                new double[] {1, 2, 3, 4, Double.POSITIVE_INFINITY},
                new long[] {2, 2, 5, 12, 12},
                37)));
  }

  private MetricSnapshot readBack() throws Exception {
    List<MetricFamily> page = PrometheusTextParser.parse(registry.scrape());
    return MetricMapping.forKind("infertune-embedded").snapshot(1, page);
  }

  @Test
  void theEmbeddedMappingReadsBackTheRuntimesSnapshotExactly() throws Exception {
    MetricSnapshot in = runtimeSnapshot();
    registry.getPrometheusRegistry().register(new RuntimeMetricsCollector(Map.of("e", () -> in)));

    MetricSnapshot out = readBack();

    // CPU time is Micrometer's to write (process_cpu_time_ns_total); it is not bound here.
    Map<String, Double> countersButCpu = new HashMap<>(in.counters());
    countersButCpu.remove(Metrics.SOURCE_CPU_SECONDS);
    assertThat(out.counters()).isEqualTo(countersButCpu);
    assertThat(out.gauges()).isEqualTo(in.gauges());
    assertThat(out.histograms()).isEqualTo(in.histograms());
    assertThat(registry.scrape())
        .contains("infertune_runtime_requests_total{runtime=\"e\"} 50")
        .contains("infertune_runtime_cache_gets_total{result=\"hit\",runtime=\"e\"} 15")
        .contains(
            "infertune_runtime_request_latency_seconds_bucket{runtime=\"e\",le=\"1.331E-4\"} 10")
        .doesNotContain("process_cpu_seconds");
  }

  @Test
  void aRuntimeThatCannotBeReadIsLeftOffWhileThePageStillServesTheRest() throws Exception {
    Counter.builder("infertune.trials").tag("status", "completed").register(registry).increment();
    registry
        .getPrometheusRegistry()
        .register(
            new RuntimeMetricsCollector(
                Map.of(
                    "broken",
                    () -> {
                      throw new MetricSourceException("gone");
                    },
                    "ok",
                    RuntimeMetricsCollectorTest::runtimeSnapshot)));

    String page = registry.scrape();

    assertThat(page)
        .contains("infertune_trials_total{status=\"completed\"} 1")
        .contains("infertune_runtime_requests_total{runtime=\"ok\"} 50")
        .doesNotContain("runtime=\"broken\"");
  }

  @Test
  void aSecondCollectorOfTheSameSeriesIsRefusedWhenRegistered() {
    RuntimeMetricsCollector first = new RuntimeMetricsCollector(Map.of("e", () -> null));
    registry.getPrometheusRegistry().register(first);

    assertThatThrownBy(
            () ->
                registry
                    .getPrometheusRegistry()
                    .register(new RuntimeMetricsCollector(Map.of("e", () -> null))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("infertune_runtime_requests");
  }
}
