package io.infertune.runtime.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.runtime.openai.FakeLlmServer.Mode;
import io.infertune.runtime.openai.OpenAiResult.Status;
import io.infertune.runtime.workload.CorpusWorkload;
import io.infertune.runtime.workload.LengthDistribution;
import io.infertune.runtime.workload.Workloads;
import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.trial.WorkloadSpec;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class OpenAiRequestSinkTest {
  private static final long TIMEOUT_S = 30;

  private FakeLlmServer server;
  private OpenAiClient client;
  private ClientMetrics metrics;

  @BeforeEach
  void start() {
    server = new FakeLlmServer();
    client = OpenAiClient.builder(server.baseUrl()).timeout(Duration.ofSeconds(10)).build();
    metrics = new ClientMetrics(Ticker.system());
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private OpenAiRequestSink sink(ApiKind api) {
    return OpenAiRequestSink.builder(client, api, "m").metrics(metrics).build();
  }

  @Test
  void streamedRequestsRecordLatencyFirstTokenGapsAndTokens() throws Exception {
    server.schedule(Duration.ofMillis(60), Duration.ofMillis(10));
    OpenAiRequestSink sink = sink(ApiKind.CHAT);
    for (int i = 0; i < 4; i++) {
      sink.submit(new InferenceRequest("a b c", 5))
          .toCompletableFuture()
          .get(TIMEOUT_S, TimeUnit.SECONDS);
    }
    MetricSnapshot s = metrics.sample();

    assertThat(s.counter(ClientMetrics.REQUESTS)).hasValue(4);
    assertThat(s.counter(ClientMetrics.ERRORS)).hasValue(0);
    assertThat(s.counter(ClientMetrics.OUTPUT_TOKENS)).hasValue(20);
    assertThat(s.counter(ClientMetrics.PROMPT_TOKENS)).hasValue(12);
    HistogramSnapshot ttft = s.histogram(ClientMetrics.TTFT_SECONDS).orElseThrow();
    assertThat(ttft.count()).isEqualTo(4);
    // Buckets are 10 % wide: the bucket of the smallest TTFT, at least the server's 60 ms, starts
    // above 54 ms, and a low quantile is interpolated within it.
    assertThat(ttft.quantile(0.01)).isGreaterThanOrEqualTo(0.054);
    assertThat(s.histogram(ClientMetrics.ITL_SECONDS).orElseThrow().count()).isEqualTo(16);
    HistogramSnapshot latency = s.histogram(ClientMetrics.LATENCY_SECONDS).orElseThrow();
    assertThat(latency.count()).isEqualTo(4);
    assertThat(latency.mean()).isGreaterThanOrEqualTo(0.060 + 4 * 0.010 - 0.02);
  }

  @Test
  void failedRequestsCompleteExceptionallyAndAreCountedByKind() throws Exception {
    OpenAiRequestSink sink = sink(ApiKind.COMPLETIONS);
    server.mode(Mode.HTTP_503);
    var http = sink.submit(new InferenceRequest("x", 3)).toCompletableFuture();
    assertThatThrownBy(() -> http.get(TIMEOUT_S, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            OpenAiRequestException.class,
            e -> assertThat(e.result().status()).isEqualTo(Status.HTTP_ERROR));
    server.mode(Mode.MALFORMED);
    var malformed = sink.submit(new InferenceRequest("x", 3)).toCompletableFuture();
    assertThatThrownBy(() -> malformed.get(TIMEOUT_S, TimeUnit.SECONDS))
        .hasCauseInstanceOf(OpenAiRequestException.class);
    MetricSnapshot s = metrics.sample();

    assertThat(s.counter(ClientMetrics.REQUESTS)).hasValue(0);
    assertThat(s.counter(ClientMetrics.ERRORS)).hasValue(2);
    assertThat(s.counter("request_errors_http_error")).hasValue(1);
    assertThat(s.counter("request_errors_malformed")).hasValue(1);
    assertThat(s.counter("request_errors_timeout")).hasValue(0);
    assertThat(s.histogram(ClientMetrics.LATENCY_SECONDS).orElseThrow().count()).isZero();
    // No server reported prompt tokens: no token counter to derive a throughput of 0 from.
    assertThat(s.counter(ClientMetrics.PROMPT_TOKENS)).isEmpty();
  }

  @Test
  void embeddingRequestsUseTheEmbeddingsEndpointAndNeverStream() throws Exception {
    OpenAiRequestSink sink = sink(ApiKind.EMBEDDINGS);
    OpenAiResult r =
        sink.submit(InferenceRequest.embed("one two three"))
            .toCompletableFuture()
            .get(TIMEOUT_S, TimeUnit.SECONDS);

    assertThat(sink.streaming()).isFalse();
    assertThat(r.embeddings()).isEqualTo(1);
    MetricSnapshot s = metrics.sample();
    assertThat(s.counter(ClientMetrics.PROMPT_TOKENS)).hasValue(3);
    assertThat(s.histogram(ClientMetrics.TTFT_SECONDS).orElseThrow().count()).isZero();
  }

  @Test
  void aRequestAskingForNoOutputGetsTheSinksDefaultLength() throws Exception {
    OpenAiRequestSink sink =
        OpenAiRequestSink.builder(client, ApiKind.CHAT, "m")
            .metrics(metrics)
            .defaultMaxTokens(7)
            .build();
    OpenAiResult r =
        sink.submit(InferenceRequest.embed("hi"))
            .toCompletableFuture()
            .get(TIMEOUT_S, TimeUnit.SECONDS);

    assertThat(r.outputTokens()).isEqualTo(7);
  }

  @Test
  void aClosedLoopGenerativeWorkloadDrivesTheServerThroughTheSink() throws Exception {
    server.schedule(Duration.ofMillis(2), Duration.ofMillis(1));
    WorkloadSpec spec = new WorkloadSpec(WorkloadSpec.Mode.CLOSED_LOOP, 4, 100, 50, 1.0, 21);
    CorpusWorkload workload =
        Workloads.generative(spec, LengthDistribution.uniform(20, 60), LengthDistribution.fixed(4));
    OpenAiRequestSink sink = sink(ApiKind.COMPLETIONS);
    CountDownLatch answered = new CountDownLatch(40);
    RequestSink counting = r -> sink.submit(r).whenComplete((x, e) -> answered.countDown());
    CorpusWorkload.Session session = workload.start(counting);
    try {
      assertThat(answered.await(TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
    } finally {
      session.close();
    }
    MetricSnapshot s = metrics.sample();

    assertThat(session.failed()).isZero();
    assertThat(s.counter(ClientMetrics.REQUESTS).orElseThrow())
        .isEqualTo(session.completed())
        .isGreaterThanOrEqualTo(40);
    assertThat(s.counter(ClientMetrics.OUTPUT_TOKENS).orElseThrow())
        .isEqualTo(4.0 * session.completed());
    // Prompts of 20..60 estimated tokens are 15..46 words, which the fake counts as its tokens.
    double wordsPerRequest =
        s.counter(ClientMetrics.PROMPT_TOKENS).orElseThrow() / session.completed();
    assertThat(wordsPerRequest).isBetween(15.0, 46.0);
  }
}
