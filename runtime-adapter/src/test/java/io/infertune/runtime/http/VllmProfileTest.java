package io.infertune.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.infertune.runtime.openai.OpenAiResult;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.ApplyFailedException.Reason;
import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.space.Configuration;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code vllm} profile against a process that parses vLLM's flags the way vLLM does: failed
 * starts come back classified with vLLM's own words, and leave the server on its previous flags;
 * the effective configuration is read back from {@code vllm:cache_config_info}.
 */
class VllmProfileTest {
  private static String commandLine(HttpRuntimeAdapter a) {
    return String.join(" ", a.process().orElseThrow().command());
  }

  private static void serves(HttpRuntimeAdapter a) throws Exception {
    Object answer =
        a.requests()
            .submit(new InferenceRequest("Hello, my name is", 8))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    // Streamed, as the load generator asks of generative endpoints: timed at the first token.
    OpenAiResult result = (OpenAiResult) answer;
    assertThat(result.ok()).as(result.toString()).isTrue();
    assertThat(result.outputTokens()).isEqualTo(8);
    assertThat(result.outputTokensReported()).as("usage asked for and given").isTrue();
    assertThat(result.timeToFirstTokenNanos()).isPresent();
    assertThat(result.interTokenNanos()).hasSize(7);
  }

  @Test
  void aPushIsARestartWithTheNewFlagsAndItIsReadBack() throws Exception {
    try (HttpRuntimeAdapter a = VllmProfileContractTest.standIn().build()) {
      long firstPid = a.process().orElseThrow().pid();
      a.apply(
          Configuration.of(
              "gpu_memory_utilization",
              0.85,
              "enable_prefix_caching",
              "off",
              "kv_cache_dtype",
              "fp8",
              "max_num_seqs",
              64));
      assertThat(a.process().orElseThrow().pid()).isNotEqualTo(firstPid);
      assertThat(commandLine(a))
          .contains("serve facebook/opt-125m --host 127.0.0.1 --port " + a.baseUrl().getPort())
          .contains("--max-num-seqs 64")
          .contains("--gpu-memory-utilization 0.85")
          .contains("--kv-cache-dtype fp8")
          .contains("--no-enable-prefix-caching");
      assertThat(a.current().get("max_num_seqs")).isEqualTo(64L);
      serves(a);
      MetricSnapshot s = a.metrics().sample();
      assertThat(s.counter(Metrics.SOURCE_REQUESTS)).hasValue(1);
      assertThat(s.counter(Metrics.SOURCE_TOKENS)).hasValue(5);
      // The client's view is recorded beside the server's.
      assertThat(s.counter("client_" + Metrics.SOURCE_REQUESTS)).hasValue(1);
      assertThat(s.histogram("client_" + Metrics.SOURCE_TTFT_SECONDS).orElseThrow().count())
          .isEqualTo(1);
    }
  }

  @Test
  void anOutOfMemoryStartFailsTheApplyAndThePreviousFlagsServeAgain() throws Exception {
    try (HttpRuntimeAdapter a = VllmProfileContractTest.standIn().build()) {
      Configuration before = a.current();
      ApplyFailedException e =
          catchThrowableOfType(
              ApplyFailedException.class,
              () -> a.apply(Configuration.of("max_num_batched_tokens", 32768)));
      assertThat(e.reason()).isEqualTo(Reason.OUT_OF_MEMORY);
      assertThat(e.getMessage())
          .contains("max_num_batched_tokens=32768")
          .contains("torch.OutOfMemoryError: CUDA out of memory")
          .contains("EngineCore failed to start");
      assertThat(a.lastFailure().orElseThrow().logTail()).isNotEmpty();
      assertThat(a.current()).isEqualTo(before);
      assertThat(commandLine(a)).contains("--max-num-batched-tokens 8192");
      serves(a);
    }
  }

  @Test
  void moreGpusThanTheMachineHasIsACrash() throws Exception {
    try (HttpRuntimeAdapter a = VllmProfileContractTest.standIn().build()) {
      ApplyFailedException e =
          catchThrowableOfType(
              ApplyFailedException.class,
              () -> a.apply(Configuration.of("tensor_parallel_size", 2)));
      assertThat(e.reason()).isEqualTo(Reason.CRASH);
      assertThat(e.getMessage()).contains("number of required GPUs exceeds");
      serves(a);
    }
  }

  @Test
  void aFlagVllmDoesNotKnowIsRefusedAsArgparseRefusesIt() {
    LaunchProfile v = Profiles.builtIn("vllm");
    LaunchProfile misspelt =
        new LaunchProfile(
            v.name(),
            v.description(),
            v.sources(),
            v.command(),
            v.variables(),
            v.environment(),
            java.util.List.of(
                new LaunchProfile.Knob(
                    v.knobs().get(0).parameter(),
                    256L,
                    new LaunchProfile.Flag("--max-num-seqz", false),
                    java.util.Set.of())),
            v.readiness(),
            v.metrics(),
            v.api(),
            java.util.Optional.empty(),
            v.failures(),
            v.stopGrace());
    ApplyFailedException e =
        catchThrowableOfType(
            ApplyFailedException.class,
            () ->
                HttpRuntimeAdapter.launch(misspelt)
                    .variable("vllm", JavaCommand.of(StandInVllm.class))
                    .variable("model", "m")
                    .readyTimeout(Duration.ofSeconds(30))
                    .build()
                    .close());
    assertThat(e.reason()).isEqualTo(Reason.REJECTED);
    assertThat(e.getMessage())
        .contains("vllm serve: error: unrecognized arguments: --max-num-seqz 256")
        .contains("usage: vllm serve [model_tag] [options]");
  }

  @Test
  void aPushTheServerDidNotTakeFailsTheApply() throws Exception {
    try (HttpRuntimeAdapter a =
        VllmProfileContractTest.standIn()
            .environment("STANDIN_VLLM_IGNORE", "cache_dtype")
            .build()) {
      ApplyFailedException e =
          catchThrowableOfType(
              ApplyFailedException.class, () -> a.apply(Configuration.of("kv_cache_dtype", "fp8")));
      assertThat(e.reason()).isEqualTo(Reason.REJECTED);
      assertThat(e.getMessage())
          .contains("the push did not take")
          .contains(
              "vllm:cache_config_info says kv_cache_dtype was pushed as fp8, cache_dtype=auto");
      assertThat(a.current().get("kv_cache_dtype")).isEqualTo("auto");
      assertThat(commandLine(a)).contains("--kv-cache-dtype auto");
    }
  }

  @Test
  void startingTakesAsLongAsTheModelLoads() throws Exception {
    long t0 = System.nanoTime();
    try (HttpRuntimeAdapter a =
        VllmProfileContractTest.standIn().environment("STANDIN_VLLM_STARTUP_MS", "1500").build()) {
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(1500));
      serves(a);
    }
  }
}
