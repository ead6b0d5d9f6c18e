package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.Metrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's {@code prometheus}, which {@code .ci/run} installs) scrapes
 * Infertune's {@code /metrics} every second on loopback, and what its query API answers agrees with
 * what the service and its embedded runtime report in process: the target is up, the JVM's meters
 * and the runtime's counters arrive, and the latency histogram arrives with the runtime's own
 * buckets, so that {@code histogram_quantile} over it gives the runtime's own quantile.
 *
 * <p>Prometheus is a separate process with its own clock, so the test polls its query API, with a
 * deadline, until the scrape it waits for has landed.
 */
class PrometheusServerIntegrationTest {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final String JOB = "{job=\"infertune\"}";
  private static final String LATENCY_BUCKETS =
      "infertune_runtime_request_latency_seconds_bucket" + JOB;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  private static Infertune service;
  private static EmbeddedRuntime runtime;
  private static Process prometheus;
  private static Path prometheusLog;
  private static String queryBase;
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void startServiceAndPrometheusThenSendRequests() throws Exception {
    assumeTrue(
        Files.isExecutable(PROMETHEUS),
        PROMETHEUS + " is missing: install Debian's prometheus package (.ci/run does) to run this");
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dir.resolve("data")));
    runtime =
        (EmbeddedRuntime)
            ((InstrumentedRuntime) service.runtimes().find("embedded").orElseThrow()).unwrap();
    EmbeddedTraffic.batchingWithACache(runtime);

    int port = freeLoopbackPort();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: infertune
            metrics_path: /metrics
            static_configs:
              - targets: ['127.0.0.1:%d']
        """
            .formatted(service.port()));
    prometheusLog = dir.resolve("prometheus.log");
    prometheus =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(prometheusLog.toFile())
            .start();
    queryBase = "http://127.0.0.1:" + port;

    // A first scrape before any request, so that rate() over the requests has a zero to start from.
    awaitValue("up" + JOB, v -> v == 1);
    EmbeddedTraffic.send(runtime, "prometheus", 48, 16);
  }

  @AfterAll
  static void stopPrometheusAndService() throws Exception {
    try {
      if (prometheus != null) {
        prometheus.descendants().forEach(ProcessHandle::destroy);
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.descendants().forEach(ProcessHandle::destroyForcibly);
          prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      if (service != null) {
        service.close();
      }
    }
  }

  @Test
  void prometheusScrapesTheServiceAndGetsItsJvmMeters() throws Exception {
    assertThat(awaitValue("up" + JOB, v -> v == 1)).isEqualTo(1);
    assertThat(awaitValue("count(jvm_memory_used_bytes" + JOB + ")", v -> v > 0)).isPositive();
    assertThat(awaitValue("scrape_samples_scraped" + JOB, v -> v > 0)).isGreaterThan(100);
  }

  @Test
  void prometheusGetsEveryRequestAndTheRuntimesOwnLatencyBuckets() throws Exception {
    MetricSnapshot inProcess = runtime.metrics().sample();
    double requests = inProcess.counter(Metrics.SOURCE_REQUESTS).orElseThrow();
    assertThat(requests).isEqualTo(64);

    // Waits for the first scrape after the last request; from then on nothing changes.
    assertThat(awaitValue("sum(infertune_runtime_requests_total" + JOB + ")", v -> v == requests))
        .isEqualTo(requests);
    assertThat(query("infertune_runtime_cache_gets_total{job=\"infertune\",result=\"hit\"}"))
        .hasValue(inProcess.counter(Metrics.SOURCE_CACHE_HITS).orElseThrow())
        .hasValue(16);
    assertThat(query("sum(infertune_runtime_batches_total" + JOB + ")"))
        .isEqualTo(inProcess.counter(EmbeddedRuntime.BATCHES_COUNTER));

    HistogramSnapshot latency = inProcess.histogram(Metrics.SOURCE_LATENCY_SECONDS).orElseThrow();
    assertThat(query("count(" + LATENCY_BUCKETS + ")")).hasValue(latency.upperBounds().length);
    assertThat(query("sum(infertune_runtime_request_latency_seconds_count" + JOB + ")"))
        .hasValue(requests);
    // Same buckets and counts, and the same interpolation: the runtime's own p95, to rounding.
    double p95 =
        query("histogram_quantile(0.95, sum by (le) (" + LATENCY_BUCKETS + "))").orElseThrow();
    assertThat(p95).isCloseTo(latency.quantile(0.95), within(1e-9 * latency.quantile(0.95)));
    // And the way a dashboard asks for it: over the rate of the last minute, which saw them all.
    double p95OfRate =
        query(
                "histogram_quantile(0.95, sum by (le) (rate("
                    + LATENCY_BUCKETS.replace(JOB, "{job=\"infertune\"}[1m]")
                    + ")))")
            .orElseThrow();
    assertThat(p95OfRate).isFinite().isPositive().isLessThan(60);
  }

  /** Polls an instant query until its first value satisfies {@code until}, or fails. */
  private static double awaitValue(String promql, DoublePredicate until) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    OptionalDouble last = OptionalDouble.empty();
    Exception lastError = null;
    while (System.nanoTime() < deadline) {
      if (!prometheus.isAlive()) {
        throw new AssertionError("prometheus exited with " + prometheus.exitValue() + log());
      }
      try {
        last = query(promql);
        lastError = null;
        if (last.isPresent() && until.test(last.getAsDouble())) {
          return last.getAsDouble();
        }
      } catch (IOException e) {
        lastError = e; // Not listening yet.
      }
      Thread.sleep(POLL);
    }
    throw new AssertionError(
        "no satisfying value of " + promql + " within " + DEADLINE + "; last " + last + log(),
        lastError);
  }

  /** The first value of an instant query's result vector; empty when the vector is empty. */
  private static OptionalDouble query(String promql) throws IOException, InterruptedException {
    URI uri =
        URI.create(
            queryBase + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 503) {
      throw new IOException("prometheus not ready yet"); // It answers 503 until its TSDB is open.
    }
    JsonNode body = JSON.readTree(r.body());
    if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new AssertionError("query " + promql + " failed: " + r.statusCode() + " " + r.body());
    }
    JsonNode result = body.path("data").path("result");
    if (result.isEmpty()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(number(result.get(0).path("value").get(1).asText()));
  }

  /** Prometheus writes numbers as Go formats them: {@code +Inf}, {@code -Inf}, {@code NaN}. */
  private static double number(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String log() {
    try {
      List<String> lines = Files.readAllLines(prometheusLog);
      return "\nprometheus log (tail):\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "\n(no prometheus log: " + e + ")";
    }
  }
}
