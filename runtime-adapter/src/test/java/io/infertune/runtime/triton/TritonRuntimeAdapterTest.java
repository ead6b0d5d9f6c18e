package io.infertune.runtime.triton;

import static io.infertune.runtime.triton.TritonRuntimeAdapter.DYNAMIC_BATCHING;
import static io.infertune.runtime.triton.TritonRuntimeAdapter.INSTANCE_COUNT;
import static io.infertune.runtime.triton.TritonRuntimeAdapter.INSTANCE_KIND;
import static io.infertune.runtime.triton.TritonRuntimeAdapter.MAX_BATCH_SIZE;
import static io.infertune.runtime.triton.TritonRuntimeAdapter.MAX_QUEUE_DELAY_US;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.infertune.runtime.embedded.JsonValue;
import io.infertune.runtime.prometheus.MetricMapping;
import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.ApplyFailedException.Reason;
import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Condition;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.RuntimeAdapterContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The triton adapter against {@link TritonStandIn}, over real HTTP on loopback: the contract, then
 * what is particular to Triton's model-control API.
 */
class TritonRuntimeAdapterTest extends RuntimeAdapterContract {
  private static final String MODEL = "text_embedder";

  /**
   * A text model as its config.pbtxt would have it, in JSON; the batcher has a setting of its own.
   */
  private static final String CONFIG =
      """
      {"name": "text_embedder", "backend": "python", "max_batch_size": 8,
       "input": [{"name": "TEXT", "data_type": "TYPE_STRING", "dims": [1]}],
       "output": [{"name": "EMBEDDING", "data_type": "TYPE_FP32", "dims": [1]}],
       "dynamic_batching": {"preserve_ordering": true},
       "instance_group": [{"count": 1, "kind": "KIND_GPU"}]}
      """;

  /** The same model with preferred batch sizes set by its author. */
  private static final String CONFIG_WITH_PREFERRED_SIZES =
      CONFIG.replace("{\"preserve_ordering\": true}", "{\"preferred_batch_size\": [4, 8]}");

  private final ManualTicker ticker = new ManualTicker();
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private TritonStandIn triton;

  @Override
  protected RuntimeAdapter createAdapter() throws Exception {
    triton = open(TritonStandIn.builder().model(MODEL, CONFIG, true).start());
    return connect(triton, MODEL);
  }

  private TritonRuntimeAdapter connect(TritonStandIn server, String model) throws Exception {
    return open(
        TritonRuntimeAdapter.builder()
            .url(server.url())
            .metricsUrl(server.metricsUrl())
            .model(model)
            .ticker(ticker)
            .readyTimeout(Duration.ofSeconds(30))
            .build());
  }

  private <T extends AutoCloseable> T open(T resource) {
    opened.add(resource);
    return resource;
  }

  @AfterEach
  void closeOpened() throws Exception {
    for (AutoCloseable c : opened.reversed()) {
      c.close();
    }
    http.close();
  }

  // --- over HTTP, as a client of Triton would see the server ---

  private HttpResponse<String> get(TritonStandIn server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(TritonStandIn server, String path, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonValue configOf(TritonStandIn server, String model) throws Exception {
    HttpResponse<String> r = get(server, "/v2/models/" + model + "/config");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return TritonStandIn.parse(r.body());
  }

  private boolean ready(TritonStandIn server, String model) throws Exception {
    return get(server, "/v2/models/" + model + "/ready").statusCode() == 200;
  }

  private static void send(RuntimeAdapter a, String text) throws Exception {
    a.requests()
        .submit(InferenceRequest.embed(text))
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static ApplyFailedException applyFailure(RuntimeAdapter a, Configuration c) {
    try {
      a.apply(c);
    } catch (ApplyFailedException e) {
      return e;
    }
    throw new AssertionError("apply of " + c + " succeeded");
  }

  // --- knobs ---

  @Test
  void theKnobsAreTheModelsBatchingAndInstancesWithItsConfigurationAsDefaults() {
    assertThat(adapter.knobs().names())
        .containsExactly(
            MAX_BATCH_SIZE, DYNAMIC_BATCHING, MAX_QUEUE_DELAY_US, INSTANCE_COUNT, INSTANCE_KIND);
    assertThat(adapter.defaults())
        .isEqualTo(
            Configuration.of(
                MAX_BATCH_SIZE, 8,
                DYNAMIC_BATCHING, "on",
                MAX_QUEUE_DELAY_US, 0,
                INSTANCE_COUNT, 1,
                INSTANCE_KIND, "KIND_GPU"));
    assertThat(adapter.knobs().get(MAX_QUEUE_DELAY_US).when())
        .contains(new Condition(DYNAMIC_BATCHING, List.of("on")));
    assertThat(adapter.kind()).isEqualTo("triton");
    assertThat(adapter.liveReconfigurable()).isTrue();
  }

  // --- apply ---

  @Test
  void applyLoadsTheModelAgainWithTheKnobsLaidOverItsConfiguration() throws Exception {
    adapter.apply(
        Configuration.of(
            MAX_BATCH_SIZE, 16,
            MAX_QUEUE_DELAY_US, 500,
            INSTANCE_COUNT, 2,
            INSTANCE_KIND, "KIND_CPU"));

    JsonValue config = configOf(triton, MODEL);
    assertThat(config.path("max_batch_size").asLong(-1)).isEqualTo(16);
    JsonValue batcher = config.path("dynamic_batching");
    assertThat(batcher.path("max_queue_delay_microseconds").asLong(-1)).isEqualTo(500);
    assertThat(batcher.path("preserve_ordering").asBoolean(false)).isTrue();
    // Triton filled in [8] at the first load; it follows the new maximum, not stays behind.
    assertThat(batcher.path("preferred_batch_size").path(0).asLong(-1)).isEqualTo(16);
    JsonValue group = config.path("instance_group").path(0);
    assertThat(group.path("kind").asText("")).isEqualTo("KIND_CPU");
    assertThat(group.path("count").asLong(-1)).isEqualTo(2);
    assertThat(group.has("gpus")).isFalse();
    assertThat(config.path("input").path(0).path("name").asText("")).isEqualTo("TEXT");
    assertThat(config.path("backend").asText("")).isEqualTo("python");
    // The load carried the configuration as a JSON string in parameters.config.
    JsonValue load = TritonStandIn.parse(triton.loadBodies().getLast());
    assertThat(load.path("parameters").path("config").isString()).isTrue();
    assertThat(adapter.current().getLong(MAX_BATCH_SIZE)).isEqualTo(16);
    send(adapter, "sixteen at most");
  }

  @Test
  void batchingOffRemovesTheBatcherAndOnBringsBackItsSettingsAndLastDelay() throws Exception {
    adapter.apply(Configuration.of(MAX_QUEUE_DELAY_US, 300));
    adapter.apply(Configuration.of(DYNAMIC_BATCHING, "off"));

    assertThat(configOf(triton, MODEL).has("dynamic_batching")).isFalse();
    assertThat(adapter.current().contains(MAX_QUEUE_DELAY_US)).isFalse();
    assertThat(adapter.knobs().validate(adapter.current())).isEqualTo(adapter.current());

    adapter.apply(Configuration.of(DYNAMIC_BATCHING, "on"));

    JsonValue batcher = configOf(triton, MODEL).path("dynamic_batching");
    assertThat(batcher.path("preserve_ordering").asBoolean(false)).isTrue();
    assertThat(batcher.path("max_queue_delay_microseconds").asLong(-1)).isEqualTo(300);
    assertThat(adapter.current().getLong(MAX_QUEUE_DELAY_US)).isEqualTo(300);
  }

  @Test
  void aDelayWhileBatchingIsOffIsRejectedWithoutCallingTriton() throws Exception {
    adapter.apply(Configuration.of(DYNAMIC_BATCHING, "off"));
    int loads = triton.loadBodies().size();
    Configuration before = adapter.current();

    ApplyFailedException e = applyFailure(adapter, Configuration.of(MAX_QUEUE_DELAY_US, 100));

    assertThat(e.reason()).isEqualTo(Reason.REJECTED);
    assertThat(e).hasMessageContaining(MAX_QUEUE_DELAY_US).hasMessageContaining("inactive");
    assertThat(triton.loadBodies()).hasSize(loads);
    assertThat(adapter.current()).isEqualTo(before);
  }

  @Test
  void aConfigurationTritonRefusesFailsWithItsMessageAndLeavesThePreviousOneLoaded()
      throws Exception {
    TritonStandIn server =
        open(TritonStandIn.builder().model(MODEL, CONFIG_WITH_PREFERRED_SIZES, true).start());
    TritonRuntimeAdapter a = connect(server, MODEL);
    Configuration before = a.current();

    ApplyFailedException e = applyFailure(a, Configuration.of(MAX_BATCH_SIZE, 2));

    assertThat(e.reason()).isEqualTo(Reason.REJECTED);
    assertThat(e)
        .hasMessageContaining("dynamic batching preferred size must be <= max batch size")
        .hasMessageContaining(MODEL);
    assertThat(a.current()).isEqualTo(before);
    assertThat(ready(server, MODEL)).isTrue();
    assertThat(configOf(server, MODEL).path("max_batch_size").asLong(-1)).isEqualTo(8);
    // Triton kept the loaded model, so nothing was loaded again: one load, the refused one.
    assertThat(server.loadBodies()).hasSize(1);
    send(a, "still served");
  }

  @Test
  void runningOutOfGpuMemoryWhileLoadingIsOutOfMemoryAndTheModelServesOn() throws Exception {
    // 4 GiB GPU; an instance takes 1 GiB + 32 MiB per batch item (1.25 GiB at 8).
    TritonStandIn server =
        open(
            TritonStandIn.builder()
                .model(MODEL, CONFIG, true)
                .gpuMemory(4L << 30, 1L << 30, 32L << 20)
                .start());
    TritonRuntimeAdapter a = connect(server, MODEL);

    ApplyFailedException e = applyFailure(a, Configuration.of(INSTANCE_COUNT, 3));

    assertThat(e.reason()).isEqualTo(Reason.OUT_OF_MEMORY);
    assertThat(e).hasMessageContaining("out of memory");
    assertThat(configOf(server, MODEL).path("instance_group").path(0).path("count").asLong(-1))
        .isEqualTo(1);
    assertThat(a.current().getLong(INSTANCE_COUNT)).isEqualTo(1);
    send(a, "one instance");
  }

  @Test
  void gpuInstancesOnAServerWithoutGpusAreRejected() throws Exception {
    TritonStandIn server =
        open(
            TritonStandIn.builder()
                .model(MODEL, CONFIG.replace("KIND_GPU", "KIND_CPU"), true)
                .gpus(0)
                .start());
    TritonRuntimeAdapter a = connect(server, MODEL);

    ApplyFailedException e = applyFailure(a, Configuration.of(INSTANCE_KIND, "KIND_GPU"));

    assertThat(e.reason()).isEqualTo(Reason.REJECTED);
    assertThat(e).hasMessageContaining("has kind KIND_GPU but no GPUs are available");
    assertThat(a.current().getString(INSTANCE_KIND)).isEqualTo("KIND_CPU");
  }

  @Test
  void aModelUnloadedBehindTheAdaptersBackIsLoadedAgainWhenAnApplyFails() throws Exception {
    TritonStandIn server =
        open(TritonStandIn.builder().model(MODEL, CONFIG_WITH_PREFERRED_SIZES, true).start());
    TritonRuntimeAdapter a = connect(server, MODEL);
    assertThat(post(server, "/v2/repository/models/" + MODEL + "/unload", "{}").statusCode())
        .isEqualTo(200);
    assertThat(ready(server, MODEL)).isFalse();

    ApplyFailedException e = applyFailure(a, Configuration.of(MAX_BATCH_SIZE, 2));

    assertThat(e.reason()).isEqualTo(Reason.REJECTED);
    assertThat(e.getSuppressed()).isEmpty();
    assertThat(ready(server, MODEL)).isTrue();
    JsonValue config = configOf(server, MODEL);
    assertThat(config.path("max_batch_size").asLong(-1)).isEqualTo(8);
    assertThat(config.path("dynamic_batching").path("preferred_batch_size").elements()).hasSize(2);
    assertThat(server.loadBodies()).hasSize(2);
    send(a, "back again");
  }

  @Test
  void aModelThatIsNotReadyInTimeFailsTheApplyWithTimeoutWithoutSleeping() throws Exception {
    Configuration before = adapter.current();
    triton.holdReadiness(true);
    long start = System.nanoTime();

    ApplyFailedException e = applyFailure(adapter, Configuration.of(MAX_BATCH_SIZE, 4));

    assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
    assertThat(e).hasMessageContaining("not ready");
    // The restore of the previous configuration could not see it ready either.
    assertThat(e.getSuppressed()).hasSize(1);
    assertThat(ticker.nanos()).isGreaterThanOrEqualTo(Duration.ofSeconds(60).toNanos());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(adapter.current()).isEqualTo(before);
    triton.holdReadiness(false);
    assertThat(configOf(triton, MODEL).path("max_batch_size").asLong(-1)).isEqualTo(8);
  }

  // --- requests and metrics ---

  @Test
  void theMetricsCountOnlyThisModelsRequests() throws Exception {
    TritonStandIn server =
        open(
            TritonStandIn.builder()
                .model(MODEL, CONFIG, true)
                .model("other", CONFIG.replace(MODEL, "other"), true)
                .start());
    TritonRuntimeAdapter a = connect(server, MODEL);
    String body =
        """
        {"inputs": [{"name": "TEXT", "shape": [1, 1], "datatype": "BYTES", "data": ["x"]}]}
        """;
    for (int i = 0; i < 3; i++) {
      assertThat(post(server, "/v2/models/other/infer", body).statusCode()).isEqualTo(200);
    }
    send(a, "one");
    send(a, "two");

    MetricSnapshot s = a.metrics().sample();

    assertThat(s.counter(Metrics.SOURCE_REQUESTS)).hasValue(2);
    assertThat(s.counter("batches")).hasValue(2);
    assertThat(s.counter(Metrics.SOURCE_ERRORS)).hasValue(0);
    assertThat(s.counter(MetricMapping.REQUEST_DURATION_SECONDS).getAsDouble()).isPositive();
    assertThat(s.gauge(Metrics.SOURCE_MEMORY_BYTES).getAsDouble()).isPositive();
  }

  @Test
  void latencyIsMeasuredAtTheClientOnTheInjectedClock() throws Exception {
    triton.beforeExecute(() -> ticker.advance(Duration.ofMillis(40)));
    for (int i = 0; i < 3; i++) {
      send(adapter, "slow " + i);
    }

    HistogramSnapshot h =
        adapter.metrics().sample().histogram(Metrics.SOURCE_LATENCY_SECONDS).orElseThrow();

    assertThat(h.count()).isEqualTo(3);
    assertThat(h.sum()).isCloseTo(0.12, within(1e-9));
    assertThat(h.quantile(0.5)).isCloseTo(0.04, within(0.004));
  }

  @Test
  void aFailedInferenceCompletesExceptionallyWithTritonsMessageAndCountsAsAnError()
      throws Exception {
    triton.failInferences(1);

    assertThatThrownBy(() -> send(adapter, "fails"))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(TritonException.class)
        .hasMessageContaining("simulated backend failure");

    MetricSnapshot s = adapter.metrics().sample();
    assertThat(s.counter(Metrics.SOURCE_ERRORS)).hasValue(1);
    assertThat(s.counter(Metrics.SOURCE_REQUESTS)).hasValue(0);
    assertThat(s.histogram(Metrics.SOURCE_LATENCY_SECONDS).orElseThrow().count()).isZero();
  }

  // --- connecting ---

  @Test
  void connectingLoadsAModelThatIsInTheRepositoryButNotLoaded() throws Exception {
    TritonStandIn server = open(TritonStandIn.builder().model(MODEL, CONFIG, false).start());
    assertThat(ready(server, MODEL)).isFalse();

    TritonRuntimeAdapter a = connect(server, MODEL);

    assertThat(ready(server, MODEL)).isTrue();
    assertThat(a.defaults().getLong(MAX_BATCH_SIZE)).isEqualTo(8);
    assertThat(server.loadBodies()).containsExactly("{}");
  }

  @Test
  void aModelNotInTheRepositoryIsRefusedNamingThoseThatAre() {
    assertThatThrownBy(() -> connect(triton, "no_such_model"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'no_such_model' is not in the repository")
        .hasMessageContaining(MODEL);
  }

  @Test
  void aModelThatDoesNotBatchIsRefused() {
    TritonStandIn server =
        open(
            TritonStandIn.builder()
                .model(
                    MODEL,
                    CONFIG
                        .replace("\"max_batch_size\": 8", "\"max_batch_size\": 0")
                        .replace("\"dynamic_batching\": {\"preserve_ordering\": true},", ""),
                    true)
                .start());

    assertThatThrownBy(() -> connect(server, MODEL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not batch");
  }

  @Test
  void aModelWithoutOneTextInputIsRefusedSayingWhatItHas() {
    TritonStandIn server =
        open(
            TritonStandIn.builder()
                .model(
                    MODEL,
                    CONFIG.replace("TYPE_STRING\", \"dims\": [1]", "TYPE_FP32\", \"dims\": [3]"),
                    true)
                .start());

    assertThatThrownBy(() -> connect(server, MODEL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TEXT TYPE_FP32 dims [3]");
  }

  @Test
  void aServerThatNeverAnswersIsNotReadyAfterTheTimeout() throws Exception {
    URI closed;
    try (TritonStandIn gone = TritonStandIn.builder().start()) {
      closed = gone.url();
    }

    assertThatThrownBy(
            () ->
                TritonRuntimeAdapter.builder()
                    .url(closed)
                    .model(MODEL)
                    .ticker(ticker)
                    .readyTimeout(Duration.ofSeconds(5))
                    .build())
        .isInstanceOf(TritonException.class)
        .hasMessageContaining("not ready after PT5S");
  }
}
