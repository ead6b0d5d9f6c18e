package io.infertune.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.infertune.runtime.openai.OpenAiResult;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.ApplyFailedException.Reason;
import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An apply that does not finish in time is abandoned cleanly: the stand-in vLLM (a real child) with
 * a knob that delays its "model loading" ({@code STANDIN_VLLM_STARTUP_MS}) past the ready timeout
 * fails as TIMEOUT, the slow child is stopped (no process left behind), and the previous
 * configuration serves again.
 */
class ApplyTimeoutTest {
  @Test
  void anApplyPastTheReadyTimeoutIsAbandonedAndThePreviousConfigurationServesAgain()
      throws Exception {
    LaunchProfile v = Profiles.builtIn("vllm");
    List<LaunchProfile.Knob> knobs = new ArrayList<>(v.knobs());
    knobs.add(
        new LaunchProfile.Knob(
            Parameter.integer("startup_ms", 0, 120_000),
            0L,
            new LaunchProfile.Env("STANDIN_VLLM_STARTUP_MS"),
            Set.of()));
    LaunchProfile slowToLoad =
        new LaunchProfile(
            v.name(),
            v.description(),
            v.sources(),
            v.command(),
            v.variables(),
            v.environment(),
            knobs,
            v.readiness(),
            v.metrics(),
            v.api(),
            java.util.Optional.empty(),
            v.failures(),
            v.stopGrace());
    try (HttpRuntimeAdapter a =
        HttpRuntimeAdapter.launch(slowToLoad)
            .variable("vllm", JavaCommand.of(StandInVllm.class))
            .variable("model", "facebook/opt-125m")
            .readyTimeout(Duration.ofSeconds(8))
            .stopGrace(Duration.ofSeconds(2))
            .build()) {
      Configuration before = a.current();
      long t0 = System.nanoTime();
      ApplyFailedException e =
          catchThrowableOfType(
              ApplyFailedException.class, () -> a.apply(Configuration.of("startup_ms", 60_000)));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.TIMEOUT);
      assertThat(e.getMessage()).contains("not ready after 8");
      // The deadline, a restart on the previous flags, and margins for this shared machine: far
      // from the minute the slow start would take.
      assertThat(took).isLessThan(Duration.ofSeconds(40));
      assertThat(a.current()).isEqualTo(before);
      ManagedProcess now = a.process().orElseThrow();
      assertThat(now.isAlive()).isTrue();
      assertThat(
              ProcessHandle.current()
                  .descendants()
                  .filter(ProcessHandle::isAlive)
                  .filter(p -> p.pid() != now.pid())
                  .filter(p -> p.parent().map(q -> q.pid() != now.pid()).orElse(true))
                  .toList())
          .as("the abandoned child is gone")
          .isEmpty();
      Object answer =
          a.requests()
              .submit(new InferenceRequest("Hello, my name is", 8))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      // The previous configuration answers: a whole generation of the 8 tokens asked for.
      OpenAiResult result = (OpenAiResult) answer;
      assertThat(result.ok()).as(result.toString()).isTrue();
      assertThat(result.outputTokens()).isEqualTo(8);
    }
  }
}
