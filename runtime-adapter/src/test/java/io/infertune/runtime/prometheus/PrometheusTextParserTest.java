package io.infertune.runtime.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The text format's grammar, line by line; real pages are in {@link ExpositionPagesTest}. */
class PrometheusTextParserTest {

  private static Map<String, MetricFamily> byName(List<MetricFamily> families) {
    return families.stream().collect(Collectors.toMap(MetricFamily::name, Function.identity()));
  }

  private static Sample only(String page) throws PrometheusParseException {
    List<MetricFamily> families = PrometheusTextParser.parse(page);
    assertThat(families).hasSize(1);
    assertThat(families.get(0).samples()).hasSize(1);
    return families.get(0).samples().get(0);
  }

  @Test
  void readsHelpTypeLabelsValuesAndTimestamps() throws Exception {
    List<MetricFamily> families =
        PrometheusTextParser.parse(
            """
            # HELP http_requests_total The total number of HTTP requests.
            # TYPE http_requests_total counter
            http_requests_total{method="post",code="200"} 1027 1395066363000
            http_requests_total{method="post",code="400"}    3 1395066363000
            """);

    assertThat(families).hasSize(1);
    MetricFamily f = families.get(0);
    assertThat(f.name()).isEqualTo("http_requests_total");
    assertThat(f.type()).isEqualTo(MetricType.COUNTER);
    assertThat(f.help()).contains("The total number of HTTP requests.");
    assertThat(f.samples())
        .containsExactly(
            new Sample(
                "http_requests_total",
                Map.of("method", "post", "code", "200"),
                1027,
                OptionalLong.of(1395066363000L)),
            new Sample(
                "http_requests_total",
                Map.of("method", "post", "code", "400"),
                3,
                OptionalLong.of(1395066363000L)));
  }

  @Test
  void unescapesBackslashQuoteAndNewlineInLabelValues() throws Exception {
    Sample s =
        only(
            "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\","
                + "error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n");

    assertThat(s.labels())
        .containsEntry("path", "C:\\DIR\\FILE.TXT")
        .containsEntry("error", "Cannot find file:\n\"FILE.TXT\"");
    assertThat(s.value()).isEqualTo(1.458255915e9);
  }

  @Test
  void commasBracesAndEqualsInsideQuotesArePlainCharacters() throws Exception {
    Sample s = only("m{a=\"x,y\",b=\"{z}\",c=\"k=v\",d=\"\",e=\"} 1\"} 7\n");

    assertThat(s.labels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("a", "x,y", "b", "{z}", "c", "k=v", "d", "", "e", "} 1"));
    assertThat(s.value()).isEqualTo(7);
  }

  @Test
  void allowsBlanksInsideBracesATrailingCommaAndEmptyBraces() throws Exception {
    assertThat(only("m{ a = \"1\" ,\tb=\"2\", } 2\n").labels())
        .isEqualTo(Map.of("a", "1", "b", "2"));
    assertThat(only("m{} 3\n").labels()).isEmpty();
    assertThat(only("m {a=\"1\"} 4\n").labels()).isEqualTo(Map.of("a", "1"));
    assertThat(only("m{a=\"1\"}5\n").value()).isEqualTo(5);
  }

  @ParameterizedTest
  @CsvSource({
    "NaN, NaN",
    "nan, NaN",
    "+Inf, Infinity",
    "Inf, Infinity",
    "-Inf, -Infinity",
    "+infinity, Infinity",
    "1e3, 1000",
    "-0.5, -0.5",
    ".5, 0.5",
    "5., 5",
    "1.7560473e+07, 17560473",
    "+12, 12"
  })
  void readsGoFloatSyntax(String written, double expected) throws Exception {
    double read = only("m " + written + "\n").value();
    // Double.compare, so that NaN equals NaN.
    assertThat(Double.compare(read, expected)).as("%s read as %s", written, read).isZero();
  }

  @Test
  void readsNegativeAndLargeTimestamps() throws Exception {
    assertThat(only("something_weird{problem=\"division by zero\"} +Inf -3982045\n"))
        .isEqualTo(
            new Sample(
                "something_weird",
                Map.of("problem", "division by zero"),
                Double.POSITIVE_INFINITY,
                OptionalLong.of(-3982045)));
    assertThat(only("m 1 9223372036854775807\n").timestampMillis()).hasValue(Long.MAX_VALUE);
  }

  @Test
  void skipsBlankLinesCommentsAndCarriageReturns() throws Exception {
    List<MetricFamily> families =
        PrometheusTextParser.parse(
            "\r\n# just a comment\r\n   \r\n#\r\n# EOF\r\n  # indented comment\r\n"
                + "# TYPE m gauge\r\nm 1\r\n\t\r\n");

    assertThat(families).hasSize(1);
    assertThat(families.get(0).samples()).extracting(Sample::value).containsExactly(1.0);
  }

  @Test
  void unescapesHelpTextButKeepsOtherBackslashes() throws Exception {
    MetricFamily f =
        PrometheusTextParser.parse("# HELP m   first\\nsecond \\\\ C:\\dir \\t\n").get(0);

    assertThat(f.help()).contains("first\nsecond \\ C:\\dir \\t");
    assertThat(f.samples()).isEmpty();
    assertThat(f.type()).isEqualTo(MetricType.UNTYPED);
    assertThat(PrometheusTextParser.parse("# HELP m\n").get(0).help()).contains("");
  }

  @Test
  void aCounterFamilyTakesItsTotalAndCreatedSamples() throws Exception {
    List<MetricFamily> families =
        PrometheusTextParser.parse(
            """
            # HELP requests Requests served.
            # TYPE requests counter
            requests_total{path="/"} 3
            requests_created{path="/"} 1.7e9
            """);

    assertThat(families).hasSize(1);
    assertThat(families.get(0).samples())
        .extracting(Sample::name)
        .containsExactly("requests_total", "requests_created");
  }

  @Test
  void pythonStyleCounterAndCreatedGaugeAreFamiliesOfTheirOwn() throws Exception {
    Map<String, MetricFamily> families =
        byName(
            PrometheusTextParser.parse(
                """
                # HELP vllm:prompt_tokens_total Number of prefill tokens processed.
                # TYPE vllm:prompt_tokens_total counter
                vllm:prompt_tokens_total{engine="0"} 512.0
                # HELP vllm:prompt_tokens_created Number of prefill tokens processed.
                # TYPE vllm:prompt_tokens_created gauge
                vllm:prompt_tokens_created{engine="0"} 1.7e+09
                """));

    assertThat(families.get("vllm:prompt_tokens_total").type()).isEqualTo(MetricType.COUNTER);
    assertThat(families.get("vllm:prompt_tokens_created").type()).isEqualTo(MetricType.GAUGE);
  }

  @Test
  void groupsHistogramSamplesBySeriesWithBucketsInOrderOfBound() throws Exception {
    MetricFamily f =
        PrometheusTextParser.parse(
                """
                # TYPE latency_seconds histogram
                latency_seconds_sum{route="a"} 1.5
                latency_seconds_bucket{route="a",le="+Inf"} 4
                latency_seconds_bucket{le="0.1",route="b"} 1
                latency_seconds_bucket{route="a",le="0.5"} 3
                latency_seconds_bucket{route="a",le="0.1"} 1
                latency_seconds_count{route="a"} 4
                latency_seconds_created{route="a"} 1.7e9
                latency_seconds_bucket{le="+Inf",route="b"} 2
                latency_seconds_count{route="b"} 2
                latency_seconds_sum{route="b"} 0.3
                """)
            .get(0);

    assertThat(f.type()).isEqualTo(MetricType.HISTOGRAM);
    assertThat(f.samples()).hasSize(10);
    List<HistogramSeries> series = f.histograms();
    assertThat(series)
        .containsExactly(
            new HistogramSeries(
                Map.of("route", "a"),
                List.of(
                    new HistogramSeries.Bucket(0.1, 1),
                    new HistogramSeries.Bucket(0.5, 3),
                    new HistogramSeries.Bucket(Double.POSITIVE_INFINITY, 4)),
                OptionalDouble.of(1.5),
                OptionalDouble.of(4)),
            new HistogramSeries(
                Map.of("route", "b"),
                List.of(
                    new HistogramSeries.Bucket(0.1, 1),
                    new HistogramSeries.Bucket(Double.POSITIVE_INFINITY, 2)),
                OptionalDouble.of(0.3),
                OptionalDouble.of(2)));
    assertThat(series.get(0).total()).hasValue(4);
  }

  @Test
  void aHistogramWithoutInfBucketCountsItsObservationsFromCount() throws Exception {
    HistogramSeries h =
        PrometheusTextParser.parse(
                """
                # TYPE h histogram
                h_bucket{le="1"} 2
                h_count 5
                h_sum 9
                """)
            .get(0)
            .histograms()
            .get(0);

    assertThat(h.total()).hasValue(5);
  }

  @Test
  void groupsSummaryQuantiles() throws Exception {
    MetricFamily f =
        PrometheusTextParser.parse(
                """
                # HELP rpc_duration_seconds A summary of the RPC duration in seconds.
                # TYPE rpc_duration_seconds summary
                rpc_duration_seconds{quantile="0.99"} 76656
                rpc_duration_seconds{quantile="0.01"} 3102
                rpc_duration_seconds{quantile="0.5"} 4773
                rpc_duration_seconds_sum 1.7560473e+07
                rpc_duration_seconds_count 2693
                """)
            .get(0);

    assertThat(f.summaries())
        .containsExactly(
            new SummarySeries(
                Map.of(),
                List.of(
                    new SummarySeries.Quantile(0.01, 3102),
                    new SummarySeries.Quantile(0.5, 4773),
                    new SummarySeries.Quantile(0.99, 76656)),
                OptionalDouble.of(1.7560473e7),
                OptionalDouble.of(2693)));
    assertThatThrownBy(f::histograms).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void samplesWithoutTypeLineMakeUntypedFamiliesNamedAsWritten() throws Exception {
    Map<String, MetricFamily> families =
        byName(
            PrometheusTextParser.parse(
                """
                queue_depth 3
                orphan_bucket{le="1"} 2
                # HELP help_only Has help but no type.
                help_only{lbl="x"} 1
                """));

    assertThat(families).containsOnlyKeys("queue_depth", "orphan_bucket", "help_only");
    assertThat(families.values()).allMatch(f -> f.type() == MetricType.UNTYPED);
    assertThat(families.get("help_only").help()).contains("Has help but no type.");
  }

  @Test
  void samplesOfAFamilyNeedNotBeContiguous() throws Exception {
    List<MetricFamily> families =
        PrometheusTextParser.parse(
            """
            # TYPE a counter
            a_total{x="1"} 1
            # TYPE b gauge
            b 2
            a_total{x="2"} 3
            """);

    assertThat(families).extracting(MetricFamily::name).containsExactly("a", "b");
    assertThat(families.get(0).samples()).hasSize(2);
  }

  @Test
  void aTypeLineMayFollowItsHelpLine() throws Exception {
    MetricFamily f = PrometheusTextParser.parse("# HELP g A gauge.\n# TYPE g gauge\ng 1\n").get(0);

    assertThat(f.type()).isEqualTo(MetricType.GAUGE);
    assertThat(f.help()).isEqualTo(Optional.of("A gauge."));
    assertThat(PrometheusTextParser.parse("# TYPE c COUNTER\nc_total 1\n").get(0).type())
        .isEqualTo(MetricType.COUNTER);
  }

  static Stream<Arguments> malformedPages() {
    return Stream.of(
        Arguments.of("m{a=\"b} 1", 1, "value of label a of m is not terminated"),
        Arguments.of("m{a=\"b\"", 1, "expected ',' or '}' after label a of m"),
        Arguments.of("m{a=b} 1", 1, "value of label a of m must be in double quotes"),
        Arguments.of("m{a=\"\\t\"} 1", 1, "invalid escape '\\t' in label a of m"),
        Arguments.of("m{a=\"x\\", 1, "value of label a of m is not terminated"),
        Arguments.of("m{a=\"1\",a=\"2\"} 1", 1, "label a appears twice in m"),
        Arguments.of("m{1a=\"x\"} 1", 1, "expected a label name in m"),
        Arguments.of("m{a \"x\"} 1", 1, "expected '=' after label a of m"),
        Arguments.of("m", 1, "sample m has no value"),
        Arguments.of("m{a=\"1\"}", 1, "sample m has no value"),
        Arguments.of("m abc", 1, "value 'abc' of m is not a number"),
        Arguments.of("m 1d", 1, "value '1d' of m is not a number"),
        Arguments.of("m 0x10", 1, "value '0x10' of m is not a number"),
        Arguments.of("m 1 12.5", 1, "timestamp '12.5' of m is not integer milliseconds"),
        Arguments.of("m 1 99999999999999999999", 1, "of m is out of range"),
        Arguments.of("m 1 2 3", 1, "unexpected '3' after the timestamp of m"),
        Arguments.of("m-x 1", 1, "metric name 'm-x' has an invalid character"),
        Arguments.of("{a=\"b\"} 1", 1, "expected a metric name"),
        Arguments.of("7m 1", 1, "expected a metric name"),
        Arguments.of("# HELP", 1, "# HELP needs a metric name"),
        Arguments.of("# TYPE m", 1, "unknown metric type '' for m"),
        Arguments.of("# TYPE m histogrm", 1, "unknown metric type 'histogrm' for m"),
        Arguments.of("# TYPE m gauge extra", 1, "unexpected 'extra' after the type of m"),
        Arguments.of("# TYPE m gauge\n# TYPE m counter", 2, "second TYPE line for m"),
        Arguments.of("# HELP m a\n# HELP m b", 2, "second HELP line for m"),
        Arguments.of("m 1\n# TYPE m gauge", 2, "TYPE line for m after its samples"),
        Arguments.of(
            "# TYPE h histogram\nh_bucket 1", 2, "bucket h_bucket needs a numeric 'le' label"),
        Arguments.of(
            "# TYPE h histogram\nh_bucket{le=\"x\"} 1",
            2,
            "bucket h_bucket needs a numeric 'le' label"),
        Arguments.of(
            "# TYPE h histogram\nh 1", 2, "histogram h has samples h_bucket, _sum and _count"),
        Arguments.of(
            "# TYPE s summary\ns 1", 2, "quantile of summary s needs a numeric 'quantile' label"),
        Arguments.of("m{a=\"1\"} 1\nm{a=\"1\"} 2", 2, "already appeared on line 1"),
        Arguments.of("\n\n# comment\nok 1\n\nm{", 6, "labels of m are not closed"));
  }

  @ParameterizedTest(name = "[{index}] line {1}: {2}")
  @MethodSource("malformedPages")
  void rejectsMalformedLinesWithTheirNumber(String page, int line, String message) {
    assertThatThrownBy(() -> PrometheusTextParser.parse(page))
        .isInstanceOfSatisfying(
            PrometheusParseException.class, e -> assertThat(e.line()).isEqualTo(line))
        .hasMessageStartingWith("line " + line + ": ")
        .hasMessageContaining(message);
  }

  @Test
  void parseNumberRejectsWhatJavaWouldAccept() {
    assertThat(PrometheusTextParser.parseNumber("1.458255915e9")).isEqualTo(1.458255915e9);
    assertThat(PrometheusTextParser.parseNumber("0.00015000000000000001"))
        .isEqualTo(0.0001 * 1.5, within(0.0));
    for (String bad : List.of("", " 1", "1 ", "1f", "1d", "0x1p3", "Infinityx", "1e", "--1")) {
      assertThatThrownBy(() -> PrometheusTextParser.parseNumber(bad))
          .as(bad)
          .isInstanceOf(NumberFormatException.class);
    }
  }
}
