package io.infertune.runtime.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The parser over real exposition pages: the format specification's example, pages as vLLM, TGI,
 * llama.cpp and SGLang write them (see pages/README.md), and a page Micrometer's Prometheus
 * registry writes as the tests run.
 */
class ExpositionPagesTest {

  private static Map<String, MetricFamily> byName(List<MetricFamily> families) {
    return families.stream().collect(Collectors.toMap(MetricFamily::name, Function.identity()));
  }

  @Test
  void readsTheSpecificationsExamplePage() throws Exception {
    Map<String, MetricFamily> f = byName(Pages.parse("prometheus-docs.txt"));

    assertThat(f)
        .containsOnlyKeys(
            "http_requests_total",
            "msdos_file_access_time_seconds",
            "metric_without_timestamp_and_labels",
            "something_weird",
            "http_request_duration_seconds",
            "rpc_duration_seconds");
    assertThat(f.get("http_requests_total").samples())
        .extracting(Sample::value, Sample::timestampMillis)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1027.0, OptionalLong.of(1395066363000L)),
            org.assertj.core.groups.Tuple.tuple(3.0, OptionalLong.of(1395066363000L)));
    assertThat(f.get("msdos_file_access_time_seconds").samples().get(0).labels())
        .containsEntry("path", "C:\\DIR\\FILE.TXT")
        .containsEntry("error", "Cannot find file:\n\"FILE.TXT\"");
    assertThat(f.get("metric_without_timestamp_and_labels").samples().get(0).value())
        .isEqualTo(12.47);
    assertThat(f.get("something_weird").samples().get(0))
        .extracting(Sample::value, Sample::timestampMillis)
        .containsExactly(Double.POSITIVE_INFINITY, OptionalLong.of(-3982045));

    HistogramSeries h = f.get("http_request_duration_seconds").histograms().get(0);
    assertThat(h.buckets())
        .extracting(HistogramSeries.Bucket::upperBound)
        .containsExactly(0.05, 0.1, 0.2, 0.5, 1.0, Double.POSITIVE_INFINITY);
    assertThat(h.buckets())
        .extracting(HistogramSeries.Bucket::cumulativeCount)
        .containsExactly(24054.0, 33444.0, 100392.0, 129389.0, 133988.0, 144320.0);
    assertThat(h.sum()).hasValue(53423);
    assertThat(h.count()).hasValue(144320);

    SummarySeries s = f.get("rpc_duration_seconds").summaries().get(0);
    assertThat(s.quantiles())
        .extracting(SummarySeries.Quantile::quantile)
        .containsExactly(0.01, 0.05, 0.5, 0.9, 0.99);
    assertThat(s.quantiles().get(4).value()).isEqualTo(76656);
    assertThat(s.sum()).hasValue(1.7560473e7);
    assertThat(s.count()).hasValue(2693);
  }

  @Test
  void readsAVllmPageWrittenByPrometheusClient() throws Exception {
    Map<String, MetricFamily> f = byName(Pages.parse("vllm-2.txt"));

    MetricFamily success = f.get("vllm:request_success_total");
    assertThat(success.type()).isEqualTo(MetricType.COUNTER);
    assertThat(success.help()).contains("Count of successfully processed requests.");
    assertThat(success.samples()).hasSize(10); // 2 engines x 5 finish reasons
    assertThat(success.samples().get(0).labels())
        .isEqualTo(
            Map.of(
                "engine", "0",
                "finished_reason", "stop",
                "model_name", "meta-llama/Llama-3.1-8B-Instruct"));
    assertThat(f.get("vllm:request_success_created").type()).isEqualTo(MetricType.GAUGE);

    List<HistogramSeries> e2e = f.get("vllm:e2e_request_latency_seconds").histograms();
    assertThat(e2e).extracting(h -> h.labels().get("engine")).containsExactly("0", "1");
    assertThat(e2e.get(0).buckets()).hasSize(22);
    assertThat(e2e.get(0).total()).hasValue(100);
    assertThat(e2e.get(1).total()).hasValue(60);
    assertThat(e2e.get(0).sum().getAsDouble())
        .isEqualTo(79, org.assertj.core.api.Assertions.within(1e-9));

    assertThat(f.get("vllm:lora_requests_info").samples().get(0).labels())
        .containsEntry("running_lora_adapters", "sql-lora,tiny")
        .containsEntry("waiting_lora_adapters", "");
    assertThat(f.get("python_info").samples().get(0).labels()).containsKey("implementation");
    assertThat(f.get("process_resident_memory_bytes").type()).isEqualTo(MetricType.GAUGE);
  }

  @Test
  void readsATgiPageWrittenAsMetricsExporterPrometheusDoes() throws Exception {
    Map<String, MetricFamily> f = byName(Pages.parse("tgi.txt"));

    assertThat(f.values()).allMatch(family -> family.help().isEmpty());
    assertThat(f.get("tgi_request_success").samples().get(0).value()).isEqualTo(1500);
    assertThat(f.get("tgi_request_failure").samples())
        .extracting(s -> s.labels().get("err"))
        .containsExactly("validation", "overloaded");

    HistogramSeries duration = f.get("tgi_request_duration").histograms().get(0);
    assertThat(duration.buckets()).hasSize(36);
    // 0.0001 * 1.5, written by Rust as 0.00015000000000000001, reads back as the same double.
    assertThat(duration.buckets().get(0).upperBound()).isEqualTo(0.0001 * 1.5);
    assertThat(duration.total()).hasValue(1500);
    assertThat(f.get("tgi_request_input_length").histograms().get(0).sum()).hasValue(1129312);
  }

  @Test
  void readsALlamaCppPage() throws Exception {
    Map<String, MetricFamily> f = byName(Pages.parse("llamacpp.txt"));

    assertThat(f).hasSize(10);
    assertThat(f.get("llamacpp:prompt_tokens_total").samples().get(0).value()).isEqualTo(1_234_570);
    // llama.cpp declares this ratio a counter; the parser reports what the page says.
    assertThat(f.get("llamacpp:n_busy_slots_per_decode").type()).isEqualTo(MetricType.COUNTER);
    assertThat(f.get("llamacpp:requests_processing").type()).isEqualTo(MetricType.GAUGE);
  }

  @Test
  void readsTheSglangDocsPage() throws Exception {
    Map<String, MetricFamily> f = byName(Pages.parse("sglang.txt"));

    HistogramSeries e2e = f.get("sglang:e2e_request_latency_seconds").histograms().get(0);
    assertThat(e2e.sum()).hasValue(3.116093850019932e6);
    assertThat(e2e.total()).hasValue(11228);
    HistogramSeries func = f.get("sglang:func_latency_seconds").histograms().get(0);
    assertThat(func.labels()).isEqualTo(Map.of("name", "generate_request"));
    assertThat(func.buckets().get(1).upperBound()).isEqualTo(0.07500000000000001);
    assertThat(f.get("sglang:time_per_output_token_seconds").histograms().get(0).total())
        .hasValue(7_400_757);
  }

  @Test
  void readsAPageMicrometersPrometheusRegistryWrites() throws Exception {
    EmbeddedRuntimeMeters meters = new EmbeddedRuntimeMeters();
    meters.answered(40, Duration.ofMillis(3), 8, 12);
    meters.answered(10, Duration.ofMillis(30), 2, 12);
    meters.errors.increment(2);
    meters.hits.increment(15);
    meters.misses.increment(35);
    meters.cpuMillis.set(2500);

    Map<String, MetricFamily> f = byName(PrometheusTextParser.parse(meters.scrape()));

    MetricFamily requests = f.get("infertune_runtime_requests_total");
    assertThat(requests.type()).isEqualTo(MetricType.COUNTER);
    assertThat(requests.samples()).hasSize(1);
    // The tag value needs every escape of the format, and comes back exactly.
    assertThat(requests.samples().get(0).labels())
        .isEqualTo(Map.of("model", EmbeddedRuntimeMeters.MODEL));
    assertThat(requests.samples().get(0).value()).isEqualTo(50);
    assertThat(f.get("infertune_runtime_cache_gets_total").samples())
        .extracting(s -> s.labels().get("result"), Sample::value)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("hit", 15.0),
            org.assertj.core.groups.Tuple.tuple("miss", 35.0));
    assertThat(f.get("process_cpu_seconds_total").samples().get(0).value()).isEqualTo(2.5);
    assertThat(f.get("infertune_runtime_accuracy").samples().get(0).value()).isEqualTo(0.992);

    MetricFamily latency = f.get("infertune_runtime_request_latency_seconds");
    assertThat(latency.type()).isEqualTo(MetricType.HISTOGRAM);
    HistogramSeries h = latency.histograms().get(0);
    assertThat(h.buckets())
        .extracting(HistogramSeries.Bucket::upperBound)
        .containsExactly(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, Double.POSITIVE_INFINITY);
    assertThat(h.buckets())
        .extracting(HistogramSeries.Bucket::cumulativeCount)
        .containsExactly(0.0, 0.0, 40.0, 40.0, 40.0, 50.0, 50.0, 50.0);
    assertThat(h.count()).hasValue(50);
    assertThat(h.sum().getAsDouble())
        .isEqualTo(40 * 0.003 + 10 * 0.030, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(f.get("infertune_runtime_request_latency_seconds_max").type())
        .isEqualTo(MetricType.GAUGE);
    assertThat(f.get("infertune_runtime_batch_size").histograms().get(0).sum())
        .isEqualTo(OptionalDouble.of(5 * 8 + 5 * 2));
  }
}
