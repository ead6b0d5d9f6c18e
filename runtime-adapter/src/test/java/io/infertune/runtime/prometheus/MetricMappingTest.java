package io.infertune.runtime.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.measure.Metrics;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

/** Mappings as data: what the JSON may say, and what a mapping makes of a page. */
class MetricMappingTest {

  private static MetricMapping mapping(String json) throws Exception {
    return MetricMapping.read(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
  }

  private static MetricSnapshot snapshot(String mappingJson, String page) throws Exception {
    return mapping(mappingJson).snapshot(42, PrometheusTextParser.parse(page));
  }

  static final java.util.List<String> KINDS = MetricMapping.KINDS;

  @ParameterizedTest
  @FieldSource("KINDS")
  void everyRuntimeKindHasAValidMappingThatSaysWhereItsNamesComeFrom(String kind) {
    MetricMapping m = MetricMapping.forKind(kind);

    assertThat(m.runtime()).isEqualTo(kind);
    assertThat(m.sources()).isNotEmpty();
    assertThat(m.counters().size() + m.gauges().size() + m.histograms().size()).isPositive();
  }

  @Test
  void anUnknownKindIsRejectedWithTheKnownOnes() {
    assertThatThrownBy(() -> MetricMapping.forKind("no-such-runtime"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no-such-runtime")
        .hasMessageContaining("vllm");
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          {"runtime": "x", "counters": {"request": [{"series": "a"}]}}                     | unknown target 'request'
          {"runtime": "x", "gauges": {"requests": [{"series": "a"}]}}                       | requests is a counter, not in GAUGE
          {"runtime": "x", "counters": {"requests": [{"seris": "a"}]}}                      | unknown field 'counters.requests[0].seris'
          {"runtime": "x", "counters": {"requests": [{"series": "a", "scale": -1}]}}        | scale must be positive
          {"runtime": "x", "counters": {"requests": [{"series": "a", "scale": "2"}]}}       | scale must be a number
          {"runtime": "x", "counters": {"requests": [{"series": "a b"}]}}                   | series 'a b' is not a metric name
          {"runtime": "x", "counters": {"requests": []}}                                    | requests lists no candidate
          {"runtime": "x", "gauges": {"accuracy": [{"series": "a", "minus": "b"}]}}         | 'minus' is for counters only
          {"runtime": "x", "counters": {"requests": [{"series": "a", "aggregate": "max"}]}} | 'aggregate' is for gauges only
          {"runtime": "x", "gauges": {"accuracy": [{"series": "a", "aggregate": "p99"}]}}   | aggregate 'p99' is not one of
          {"runtime": "x", "counters": {"requests": [{"series": "a", "include": {"9": ["x"]}}]}} | '9' is not a label name
          {"runtime": "x", "counters": {"requests": [{"series": "a", "include": {"k": []}}]}}   | label k lists no values
          {"runtime": "x", "counters": {"requests": {"series": "a"}}}                       | counters.requests must be a JSON array
          {"runtime": "x", "runtime": "y"}                                                  | Duplicate field 'runtime'
          {"runtime": "x", "counters": }                                                    | Unexpected character
          {"counters": {}}                                                                  | runtime must be a string
          {"runtime": "x", "extra": 1}                                                      | unknown field 'extra'
          """)
  void rejectsAMalformedMappingSayingWhere(String json, String message) {
    assertThatThrownBy(() -> mapping(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("test.json: ")
        .hasMessageContaining(message);
  }

  @Test
  void theFirstCandidatePresentInThePageWins() throws Exception {
    String json =
        """
        {"runtime": "x", "counters": {"requests": [
          {"series": "new_name_total"}, {"series": "old_name"}]}}
        """;

    assertThat(snapshot(json, "old_name 5\nnew_name_total 7\n").counter(Metrics.SOURCE_REQUESTS))
        .hasValue(7);
    assertThat(snapshot(json, "old_name 5\n").counter(Metrics.SOURCE_REQUESTS)).hasValue(5);
  }

  @Test
  void aTargetNoCandidateMatchesIsAbsentNotAnError() throws Exception {
    MetricSnapshot s =
        snapshot(
            """
            {"runtime": "x",
             "counters": {"requests": [{"series": "missing_total"}]},
             "gauges": {"accuracy": [{"series": "missing_gauge"}]},
             "histograms": {"request_latency_seconds": [{"series": "missing_seconds"}]}}
            """,
            "something_else 1\n");

    assertThat(s.counters()).isEmpty();
    assertThat(s.gauges()).isEmpty();
    assertThat(s.histograms()).isEmpty();
    assertThat(s.nanos()).isEqualTo(42);
  }

  @Test
  void sumsTheSeriesItKeepsAndAMissingLabelReadsAsEmpty() throws Exception {
    String page =
        """
        done_total{reason="stop",model="a"} 10
        done_total{reason="length",model="b"} 5
        done_total{reason="abort",model="a"} 2
        done_total{model="a"} 1
        """;
    MetricSnapshot s =
        snapshot(
            """
            {"runtime": "x", "counters": {
              "requests": [{"series": "done_total", "exclude": {"reason": ["abort", ""]}}],
              "request_errors": [{"series": "done_total", "include": {"reason": ["abort"]}}],
              "tokens": [{"series": "done_total", "include": {"reason": [""], "model": ["a"]}}]}}
            """,
            page);

    assertThat(s.counter(Metrics.SOURCE_REQUESTS)).hasValue(15);
    assertThat(s.counter(Metrics.SOURCE_ERRORS)).hasValue(2);
    assertThat(s.counter(Metrics.SOURCE_TOKENS)).hasValue(1);
  }

  @Test
  void aCandidateWhoseFiltersKeepNothingGivesWayToTheNext() throws Exception {
    MetricSnapshot s =
        snapshot(
            """
            {"runtime": "x", "counters": {"request_errors": [
              {"series": "a_total", "include": {"reason": ["error"]}},
              {"series": "failures_total"}]}}
            """,
            "a_total{reason=\"stop\"} 3\nfailures_total 4\n");

    assertThat(s.counter(Metrics.SOURCE_ERRORS)).hasValue(4);
  }

  @Test
  void subtractsAndScales() throws Exception {
    MetricSnapshot s =
        snapshot(
            """
            {"runtime": "x",
             "counters": {
               "cache_misses": [{"series": "queries_total", "minus": "hits_total"}],
               "process_cpu_seconds": [{"series": "cpu_ms_total", "scale": 0.001}]}}
            """,
            """
            queries_total{engine="0"} 100
            queries_total{engine="1"} 50
            hits_total{engine="0"} 30
            hits_total{engine="1"} 20
            cpu_ms_total 2500
            """);

    assertThat(s.counter(Metrics.SOURCE_CACHE_MISSES)).hasValue(100);
    assertThat(s.counter(Metrics.SOURCE_CPU_SECONDS)).hasValue(2.5);
  }

  @Test
  void aSubtractionWithoutItsSecondSeriesIsAbsent() throws Exception {
    MetricSnapshot s =
        snapshot(
            """
            {"runtime": "x", "counters": {
              "cache_misses": [{"series": "queries_total", "minus": "hits_total"}]}}
            """,
            "queries_total 100\n");

    assertThat(s.counter(Metrics.SOURCE_CACHE_MISSES)).isEmpty();
  }

  @Test
  void aggregatesGaugesAsTold() throws Exception {
    String page = "kv{engine=\"0\"} 0.25\nkv{engine=\"1\"} 0.75\n";

    for (var c :
        new String[][] {{"sum", "1.0"}, {"max", "0.75"}, {"min", "0.25"}, {"avg", "0.5"}}) {
      MetricSnapshot s =
          snapshot(
              "{\"runtime\": \"x\", \"gauges\": {\"cache_size\": [{\"series\": \"kv\", \"aggregate\": \""
                  + c[0]
                  + "\"}]}}",
              page);
      assertThat(s.gauge("cache_size")).as(c[0]).hasValue(Double.parseDouble(c[1]));
    }
  }

  @Test
  void leavesOutValuesThatAreNotFinite() throws Exception {
    MetricSnapshot s =
        snapshot(
            """
            {"runtime": "x", "gauges": {
              "accuracy": [{"series": "acc"}],
              "cache_size": [{"series": "size"}],
              "queue_depth": [{"series": "depth_nan"}, {"series": "depth"}]}}
            """,
            "acc NaN\nsize +Inf\ndepth_nan NaN\ndepth 3\n");

    assertThat(s.gauges()).containsOnlyKeys("queue_depth");
    assertThat(s.gauge("queue_depth")).hasValue(3);
  }

  @Test
  void sumsHistogramsBucketByBucketOverTheBoundsTheyShare() throws Exception {
    MetricSnapshot s =
        snapshot(
            """
            {"runtime": "x", "histograms": {"request_latency_seconds": [
              {"series": "latency_ms", "exclude": {"route": ["health"]}, "scale": 0.001}]}}
            """,
            """
            # TYPE latency_ms histogram
            latency_ms_bucket{route="a",le="10"} 2
            latency_ms_bucket{route="a",le="50"} 5
            latency_ms_bucket{route="a",le="100"} 9
            latency_ms_bucket{route="a",le="+Inf"} 10
            latency_ms_sum{route="a"} 700
            latency_ms_count{route="a"} 10
            latency_ms_bucket{route="b",le="10"} 1
            latency_ms_bucket{route="b",le="100"} 3
            latency_ms_count{route="b"} 4
            latency_ms_sum{route="b"} 300
            latency_ms_bucket{route="health",le="10"} 1000
            latency_ms_bucket{route="health",le="+Inf"} 1000
            latency_ms_sum{route="health"} 1
            latency_ms_count{route="health"} 1000
            """);

    HistogramSnapshot h = s.histogram(Metrics.SOURCE_LATENCY_SECONDS).orElseThrow();
    // Route b has no 50 ms bucket, so 0.05 s is not a shared bound; its +Inf comes from _count.
    assertThat(h.upperBounds()).containsExactly(0.01, 0.1, Double.POSITIVE_INFINITY);
    assertThat(h.cumulativeCounts()).containsExactly(3, 12, 14);
    assertThat(h.sum()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void aHistogramSeriesWithoutSumIsLeftOut() throws Exception {
    MetricSnapshot s =
        snapshot(
            """
            {"runtime": "x", "histograms": {"request_latency_seconds": [{"series": "h"}]}}
            """,
            "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 2\n");

    assertThat(s.histograms()).isEmpty();
  }

  @Test
  void aHistogramWhoseCountsDecreaseFailsTheSampleWithTheReason() {
    assertThatThrownBy(
            () ->
                snapshot(
                    """
                    {"runtime": "x", "histograms": {"request_latency_seconds": [{"series": "h"}]}}
                    """,
                    """
                    # TYPE h histogram
                    h_bucket{le="0.1"} 5
                    h_bucket{le="0.2"} 3
                    h_bucket{le="+Inf"} 6
                    h_sum 1
                    h_count 6
                    """))
        .isInstanceOf(MetricSourceException.class)
        .hasMessageContaining(
            "histogram h has a bucket count that decreases (5 at le=0.1, then 3)");
  }
}
