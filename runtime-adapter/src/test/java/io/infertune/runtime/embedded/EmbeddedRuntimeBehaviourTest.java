package io.infertune.runtime.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.space.Configuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batching, caching, live reconfiguration and accuracy of one real runtime, shared by the tests
 * (loading the model takes a second). Each test applies the whole configuration it relies on.
 */
class EmbeddedRuntimeBehaviourTest {
  private static final long TIMEOUT_S = 120;

  private static EmbeddedRuntime runtime;

  @BeforeAll
  static void start() {
    runtime = EmbeddedRuntime.builder().id("behaviour").build();
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  /** The defaults, overlaid with {@code namesAndValues}. */
  private static void applyOverDefaults(Object... namesAndValues) throws ApplyFailedException {
    runtime.apply(runtime.defaults().overlay(Configuration.of(namesAndValues)));
  }

  private static float[] embed(String text) throws Exception {
    return runtime.embed(text).get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  private static double counter(MetricSnapshot s, String name) {
    return s.counter(name).orElseThrow();
  }

  private static HistogramSnapshot batchSizes(MetricSnapshot after, MetricSnapshot before) {
    return after
        .histogram(EmbeddedRuntime.BATCH_SIZE_HISTOGRAM)
        .orElseThrow()
        .minus(before.histogram(EmbeddedRuntime.BATCH_SIZE_HISTOGRAM).orElseThrow());
  }

  @Test
  void theCacheAnswersRepeatsWithoutInferenceAndEvictsTheLeastRecentlyUsed() throws Exception {
    applyOverDefaults("cache_entries", 2);
    MetricSnapshot before = runtime.metrics().sample();
    float[] first = embed("cache test alpha");
    float[] repeat = embed("cache test alpha");
    embed("cache test beta");
    embed("cache test gamma");
    embed("cache test alpha");
    MetricSnapshot after = runtime.metrics().sample();

    assertThat(repeat).containsExactly(first);
    assertThat(
            counter(after, Metrics.SOURCE_CACHE_HITS) - counter(before, Metrics.SOURCE_CACHE_HITS))
        .isEqualTo(1);
    // The third distinct input evicted alpha, so its last request was a miss again.
    assertThat(
            counter(after, Metrics.SOURCE_CACHE_MISSES)
                - counter(before, Metrics.SOURCE_CACHE_MISSES))
        .isEqualTo(4);
    assertThat(
            counter(after, EmbeddedRuntime.BATCHES_COUNTER)
                - counter(before, EmbeddedRuntime.BATCHES_COUNTER))
        .isEqualTo(4);
    assertThat(counter(after, Metrics.SOURCE_REQUESTS) - counter(before, Metrics.SOURCE_REQUESTS))
        .isEqualTo(5);
    assertThat(after.gauge(EmbeddedRuntime.CACHE_SIZE_GAUGE).orElseThrow()).isEqualTo(2);
  }

  @Test
  void everyChangeOfConfigurationStartsFromAnEmptyCacheAndANoOpApplyKeepsIt() throws Exception {
    applyOverDefaults("cache_entries", 10);
    float[] fp32 = embed("cache starts cold");
    applyOverDefaults("cache_entries", 10, "quantization", "int8");
    MetricSnapshot before = runtime.metrics().sample();
    float[] int8 = embed("cache starts cold");
    // A resize is a change too: trials must not inherit what earlier trials cached.
    applyOverDefaults("cache_entries", 5, "quantization", "int8");
    float[] again = embed("cache starts cold");
    MetricSnapshot afterChanges = runtime.metrics().sample();
    applyOverDefaults("cache_entries", 5, "quantization", "int8");
    embed("cache starts cold");
    MetricSnapshot afterNoOp = runtime.metrics().sample();

    assertThat(int8).isNotEqualTo(fp32);
    assertThat(EmbeddingModel.cosine(int8, fp32)).isGreaterThan(0.9);
    assertThat(again).containsExactly(int8);
    assertThat(
            counter(afterChanges, Metrics.SOURCE_CACHE_HITS)
                - counter(before, Metrics.SOURCE_CACHE_HITS))
        .isZero();
    assertThat(
            counter(afterNoOp, Metrics.SOURCE_CACHE_HITS)
                - counter(afterChanges, Metrics.SOURCE_CACHE_HITS))
        .isEqualTo(1);
  }

  @Test
  void theBatcherFormsBatchesWhenItMayWait() throws Exception {
    applyOverDefaults("batch_size", 8, "batch_timeout_ms", 20);
    MetricSnapshot before = runtime.metrics().sample();
    List<CompletableFuture<float[]>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(runtime.embed("concurrent request number " + i));
    }
    for (var a : answers) {
      assertThat(a.get(TIMEOUT_S, TimeUnit.SECONDS)).hasSize(384);
    }
    HistogramSnapshot batches = batchSizes(runtime.metrics().sample(), before);
    assertThat(batches.sum()).isEqualTo(8);
    assertThat(batches.count()).as("inferences for 8 requests").isLessThan(8);
  }

  @Test
  void batchSizeOneRunsOneRequestPerInference() throws Exception {
    applyOverDefaults("batch_size", 1, "batch_timeout_ms", 20);
    MetricSnapshot before = runtime.metrics().sample();
    List<CompletableFuture<float[]>> answers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      answers.add(runtime.embed("one at a time " + i));
    }
    for (var a : answers) {
      a.get(TIMEOUT_S, TimeUnit.SECONDS);
    }
    HistogramSnapshot batches = batchSizes(runtime.metrics().sample(), before);
    assertThat(batches.count()).isEqualTo(6);
    assertThat(batches.cumulativeCounts()[0]).as("batches of at most 1").isEqualTo(6);
  }

  @Test
  void reconfiguringDuringABurstLosesNoRequest() throws Exception {
    applyOverDefaults();
    MetricSnapshot before = runtime.metrics().sample();
    int clients = 4;
    int perClient = 40;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<List<CompletableFuture<float[]>>>> submitted = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        submitted.add(
            pool.submit(
                () -> {
                  List<CompletableFuture<float[]>> mine = new ArrayList<>();
                  for (int i = 0; i < perClient; i++) {
                    mine.add(runtime.embed("burst client " + client + " request " + i));
                  }
                  return mine;
                }));
      }
      applyOverDefaults("quantization", "int8", "replicas", 2);
      applyOverDefaults("quantization", "int8", "batch_size", 8, "batch_timeout_ms", 5);
      applyOverDefaults("intra_op_threads", 1, "thread_spinning", "off");
      applyOverDefaults("batch_size", 4);

      for (var f : submitted) {
        for (var answer : f.get(TIMEOUT_S, TimeUnit.SECONDS)) {
          assertThat(answer.get(TIMEOUT_S, TimeUnit.SECONDS)).hasSize(384);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    MetricSnapshot after = runtime.metrics().sample();
    assertThat(counter(after, Metrics.SOURCE_ERRORS) - counter(before, Metrics.SOURCE_ERRORS))
        .isZero();
    assertThat(counter(after, Metrics.SOURCE_REQUESTS) - counter(before, Metrics.SOURCE_REQUESTS))
        .isEqualTo(clients * perClient);
  }

  @Test
  void replacedSessionsCloseOnceTheirWorkersHaveFinished() throws Exception {
    applyOverDefaults();
    applyOverDefaults("replicas", 2);
    assertThat(runtime.awaitRetired(Duration.ofSeconds(30))).isTrue();
    assertThat(runtime.openSessionCount()).isEqualTo(2);
    applyOverDefaults("replicas", 1, "quantization", "int8");
    assertThat(runtime.awaitRetired(Duration.ofSeconds(30))).isTrue();
    assertThat(runtime.openSessionCount()).isEqualTo(1);
    embed("served by the remaining session");
  }

  @Test
  void invalidConfigurationsAreRejectedAndChangeNothing() throws Exception {
    applyOverDefaults("batch_size", 2);
    Configuration before = runtime.current();
    for (Configuration bad :
        List.of(
            Configuration.of("no_such_knob", 1),
            Configuration.of("batch_size", 3),
            Configuration.of("quantization", "fp16"),
            Configuration.of("replicas", runtime.cores() + 1),
            Configuration.of("intra_op_threads", 0),
            Configuration.of("cache_entries", -1),
            Configuration.of("batch_timeout_ms", 51),
            Configuration.of("thread_spinning", "sometimes"),
            Configuration.of("batch_size", 4, "replicas", 0))) {
      assertThatThrownBy(() -> runtime.apply(bad))
          .as(bad.toString())
          .isInstanceOf(ApplyFailedException.class)
          .satisfies(
              e ->
                  assertThat(((ApplyFailedException) e).reason())
                      .isEqualTo(ApplyFailedException.Reason.REJECTED));
      assertThat(runtime.current()).isEqualTo(before);
    }
    embed("still serving after rejected applies");
  }

  @Test
  void int8AgreesWithFp32AndTheAccuracyGaugeFollowsTheQuantization() throws Exception {
    applyOverDefaults("quantization", "int8");
    Agreement int8 = runtime.accuracy();
    System.out.printf(
        "int8 vs fp32 on %d validation sentences: mean cosine %.4f, min %.4f%n",
        int8.sentences(), int8.mean(), int8.min());
    assertThat(int8.sentences()).isEqualTo(50);
    assertThat(int8.mean()).isGreaterThan(0.97).isLessThan(1.0);
    assertThat(int8.min()).isGreaterThan(0.9);
    assertThat(runtime.agreement(ModelVariant.INT8)).isEqualTo(int8);
    assertThat(runtime.metrics().sample().gauge(Metrics.SOURCE_ACCURACY).orElseThrow())
        .isEqualTo(int8.mean());

    applyOverDefaults("quantization", "fp32");
    assertThat(runtime.metrics().sample().gauge(Metrics.SOURCE_ACCURACY).orElseThrow())
        .isEqualTo(1.0);
  }

  @Test
  void latencyIncludesEveryAnsweredRequest() throws Exception {
    applyOverDefaults();
    MetricSnapshot before = runtime.metrics().sample();
    embed("the cat sat");
    embed("the dog ran");
    MetricSnapshot after = runtime.metrics().sample();
    HistogramSnapshot latency =
        after
            .histogram(Metrics.SOURCE_LATENCY_SECONDS)
            .orElseThrow()
            .minus(before.histogram(Metrics.SOURCE_LATENCY_SECONDS).orElseThrow());
    assertThat(latency.count()).isEqualTo(2);
    assertThat(latency.sum()).isGreaterThan(0);
    assertThat(counter(after, Metrics.SOURCE_TOKENS) - counter(before, Metrics.SOURCE_TOKENS))
        .as("[CLS] the cat sat [SEP] and [CLS] the dog ran [SEP]")
        .isEqualTo(10);
  }
}
