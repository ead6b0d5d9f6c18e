package io.infertune.runtime.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.testkit.ManualTicker;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompositeMetricSourceTest {
  private static final HistogramSnapshot SERVER_TTFT =
      new HistogramSnapshot(new double[] {0.1, Double.POSITIVE_INFINITY}, new long[] {3, 4}, 0.5);
  private static final HistogramSnapshot CLIENT_TTFT =
      new HistogramSnapshot(new double[] {0.2, Double.POSITIVE_INFINITY}, new long[] {1, 4}, 1.5);

  private final MetricSource runtime =
      () ->
          new MetricSnapshot(
              1000,
              Map.of("requests", 10.0, "cache_hits", 3.0),
              Map.of("resident_memory_bytes", 5e8),
              Map.of("time_to_first_token_seconds", SERVER_TTFT));

  @Test
  void thePrimaryWinsAClashTheSecondaryFillsInAndAppearsWholeUnderItsPrefix() throws Exception {
    MetricSource client =
        () ->
            new MetricSnapshot(
                2000,
                Map.of("requests", 9.0, "generated_tokens", 90.0),
                Map.of(),
                Map.of(
                    "time_to_first_token_seconds",
                    CLIENT_TTFT,
                    "inter_token_latency_seconds",
                    CLIENT_TTFT));
    MetricSnapshot s = new CompositeMetricSource(runtime, client, "client_").sample();

    assertThat(s.nanos()).isEqualTo(1000);
    assertThat(s.counters())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "requests", 10.0,
                "cache_hits", 3.0,
                "generated_tokens", 90.0,
                "client_requests", 9.0,
                "client_generated_tokens", 90.0));
    assertThat(s.gauges()).containsOnlyKeys("resident_memory_bytes");
    assertThat(s.histogram("time_to_first_token_seconds")).hasValue(SERVER_TTFT);
    assertThat(s.histogram("client_time_to_first_token_seconds")).hasValue(CLIENT_TTFT);
    assertThat(s.histogram("inter_token_latency_seconds")).hasValue(CLIENT_TTFT);
  }

  @Test
  void withClientPutsTheRuntimeFirstAndTheClientUnderClientPrefix() throws Exception {
    ClientMetrics client = new ClientMetrics(new ManualTicker());
    MetricSnapshot s = CompositeMetricSource.withClient(runtime, client).sample();

    assertThat(s.counter("requests")).hasValue(10.0);
    assertThat(s.counter("client_requests")).hasValue(0.0);
    assertThat(s.counter("request_errors")).hasValue(0.0);
    assertThat(s.histogram("client_request_latency_seconds")).isPresent();
  }

  @Test
  void aFailingSourceFailsTheSample() {
    MetricSource broken =
        () -> {
          throw new MetricSourceException("scrape failed");
        };
    assertThatThrownBy(() -> new CompositeMetricSource(broken, runtime, "c_").sample())
        .isInstanceOf(MetricSourceException.class);
    assertThatThrownBy(() -> new CompositeMetricSource(runtime, broken, "c_").sample())
        .isInstanceOf(MetricSourceException.class);
  }

  @Test
  void thePrefixMustStartAMetricName() {
    assertThatThrownBy(() -> new CompositeMetricSource(runtime, runtime, "9x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CompositeMetricSource(runtime, runtime, "client."))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
