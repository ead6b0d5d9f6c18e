package io.infertune.runtime.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.RuntimeAdapterContract;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The embedded runtime keeps the {@link RuntimeAdapter} contract, with the real model. */
class EmbeddedRuntimeTest extends RuntimeAdapterContract {

  @Override
  protected RuntimeAdapter createAdapter() {
    return EmbeddedRuntime.builder().build();
  }

  @Test
  void defaultsAreWhatOnnxRuntimeDoesUntuned() {
    EmbeddedRuntime runtime = (EmbeddedRuntime) adapter;
    assertThat(runtime.kind()).isEqualTo("embedded");
    assertThat(runtime.id()).isEqualTo("embedded");
    assertThat(runtime.liveReconfigurable()).isTrue();
    assertThat(runtime.defaults())
        .isEqualTo(
            Configuration.of(
                "batch_size", 1,
                "batch_timeout_ms", 0,
                "quantization", "fp32",
                "cache_entries", 0,
                "intra_op_threads", runtime.cores(),
                "replicas", 1,
                "thread_spinning", "on"));
    assertThat(runtime.knobs().names())
        .containsExactly(
            "batch_size",
            "batch_timeout_ms",
            "quantization",
            "cache_entries",
            "intra_op_threads",
            "replicas",
            "thread_spinning");
    assertThat(runtime.accuracy().mean()).isEqualTo(1.0);
  }

  @Test
  void aClosedRuntimeFailsRequestsAndApplies() {
    adapter.close();
    assertThatThrownBy(
            () ->
                adapter
                    .requests()
                    .submit(InferenceRequest.embed("too late"))
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> adapter.apply(Configuration.of("batch_size", 2)))
        .isInstanceOf(ApplyFailedException.class)
        .satisfies(
            e ->
                assertThat(((ApplyFailedException) e).reason())
                    .isEqualTo(ApplyFailedException.Reason.UNAVAILABLE));
    adapter.close();
  }

  @Test
  void sampleHasEveryDeclaredSeries() throws Exception {
    var s = adapter.metrics().sample();
    assertThat(s.counters())
        .containsKeys(
            Metrics.SOURCE_REQUESTS,
            Metrics.SOURCE_ERRORS,
            Metrics.SOURCE_TOKENS,
            Metrics.SOURCE_CACHE_HITS,
            Metrics.SOURCE_CACHE_MISSES,
            Metrics.SOURCE_CPU_SECONDS,
            EmbeddedRuntime.BATCHES_COUNTER);
    assertThat(s.gauges())
        .containsKeys(
            Metrics.SOURCE_MEMORY_BYTES,
            Metrics.SOURCE_ACCURACY,
            EmbeddedRuntime.QUEUE_DEPTH_GAUGE,
            EmbeddedRuntime.CACHE_SIZE_GAUGE);
    assertThat(s.histograms())
        .containsKeys(Metrics.SOURCE_LATENCY_SECONDS, EmbeddedRuntime.BATCH_SIZE_HISTOGRAM);
    assertThat(s.gauge(Metrics.SOURCE_MEMORY_BYTES).orElseThrow()).isGreaterThan(0);
    assertThat(s.counter(Metrics.SOURCE_CPU_SECONDS).orElseThrow()).isGreaterThan(0);
  }
}
