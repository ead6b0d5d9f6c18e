package io.infertune.runtime.triton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.infertune.runtime.prometheus.MetricMapping;
import io.infertune.runtime.prometheus.PrometheusTextParser;
import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The {@code triton} mapping over recorded Triton pages (see the resources' README). */
class TritonMetricsPageTest {
  private static final MetricMapping TRITON = MetricMapping.forKind("triton");

  private static MetricSnapshot snapshot(MetricMapping mapping, String page) throws Exception {
    try (InputStream in = TritonMetricsPageTest.class.getResourceAsStream("pages/" + page)) {
      if (in == null) {
        throw new IOException("no test page " + page);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return mapping.snapshot(7, PrometheusTextParser.parse(text));
    }
  }

  @Test
  void aRecordedPageNarrowedToOneModelGivesThatModelsCountersInSeconds() throws Exception {
    MetricSnapshot gnn = snapshot(TritonMetrics.forModel(TRITON, "gnn"), "sonic-exatrkx.txt");

    assertThat(gnn.counter(Metrics.SOURCE_REQUESTS)).hasValue(101);
    assertThat(gnn.counter(Metrics.SOURCE_ERRORS)).hasValue(0);
    assertThat(gnn.counter("batches")).hasValue(101);
    assertThat(gnn.counter(Metrics.SOURCE_CACHE_HITS)).hasValue(0);
    assertThat(gnn.counter(MetricMapping.REQUEST_DURATION_SECONDS).getAsDouble())
        .isCloseTo(12.857993, within(1e-9));
    assertThat(gnn.counter(MetricMapping.QUEUE_DURATION_SECONDS).getAsDouble())
        .isCloseTo(0.009098, within(1e-12));
    // The GPU's series has no model label and stays: memory is the device's, not the model's.
    assertThat(gnn.gauge(Metrics.SOURCE_MEMORY_BYTES)).hasValue(4_930_404_352.0);
    // This release counts no cache misses and has no pending-request gauge; no latency histogram.
    assertThat(gnn.counters()).doesNotContainKey(Metrics.SOURCE_CACHE_MISSES);
    assertThat(gnn.gauges()).doesNotContainKey("queue_depth");
    assertThat(gnn.histograms()).isEmpty();
    assertThat(gnn.nanos()).isEqualTo(7);

    MetricSnapshot embed = snapshot(TritonMetrics.forModel(TRITON, "embed"), "sonic-exatrkx.txt");
    assertThat(embed.counter(MetricMapping.REQUEST_DURATION_SECONDS).getAsDouble())
        .isCloseTo(1.196137, within(1e-9));
  }

  @Test
  void theMappingAloneSumsEveryModelOfTheServer() throws Exception {
    MetricSnapshot all = snapshot(TRITON, "sonic-exatrkx.txt");

    assertThat(all.counter(Metrics.SOURCE_REQUESTS)).hasValue(303);
    assertThat(all.counter(MetricMapping.REQUEST_DURATION_SECONDS).getAsDouble())
        .isCloseTo(12.857993 + 1.196137 + 3.112679, within(1e-9));
  }

  @Test
  void aModelThePageDoesNotHaveGivesAnEmptySnapshotButTheGpu() throws Exception {
    MetricSnapshot none = snapshot(TritonMetrics.forModel(TRITON, "absent"), "sonic-exatrkx.txt");

    assertThat(none.counters()).isEmpty();
    assertThat(none.gauges()).containsOnlyKeys(Metrics.SOURCE_MEMORY_BYTES);
  }

  @Test
  void theDocsFirstResponseHistogramIsTimeToFirstTokenInSecondsAndTheSummaryIsLeftOut()
      throws Exception {
    MetricSnapshot s =
        snapshot(TritonMetrics.forModel(TRITON, "my_model"), "docs-latency-examples.txt");

    HistogramSnapshot h = s.histogram(MetricMapping.TIME_TO_FIRST_TOKEN_SECONDS).orElseThrow();
    assertThat(h.upperBounds()).containsExactly(0.1, 0.5, 2.0, 5.0, Double.POSITIVE_INFINITY);
    assertThat(h.cumulativeCounts()).containsExactly(8, 30, 36, 37, 37);
    assertThat(h.sum()).isCloseTo(10.771, within(1e-9));
    // Summaries are quantiles over a sliding window; no histogram comes of them.
    assertThat(s.histograms()).containsOnlyKeys(MetricMapping.TIME_TO_FIRST_TOKEN_SECONDS);
    assertThat(s.counter(Metrics.SOURCE_REQUESTS)).hasValue(161);
    assertThat(s.counter(MetricMapping.QUEUE_DURATION_SECONDS).getAsDouble())
        .isCloseTo(0.01111, within(1e-12));
  }
}
