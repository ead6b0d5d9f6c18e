package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.runtime.http.HttpRuntimeAdapter;
import io.infertune.runtime.workload.Workloads;
import io.infertune.store.TrialStores;
import io.infertune.strategies.Strategies;
import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.run.TuningListener;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.PromotionPolicy;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.infertune.tuner.trial.WorkloadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime process ({@code infertune runtime}, a real child) dies (SIGKILL) or hangs (SIGSTOP)
 * in the middle of a trial's measurement: the trial is FAILED with the reason, the runtime is
 * restarted on the last known-good configuration (a hung child is killed first), and the campaign
 * goes on to its end.
 */
class RuntimeFailureMidTrialTest {
  @TempDir Path dir;

  @Test
  void
      aRuntimeKilledMidTrialFailsTheTrialIsRestartedOnTheLastGoodConfigurationAndTheCampaignGoesOn()
          throws Exception {
    runWithFailureInTrialOne("KILL");
  }

  @Test
  void aRuntimeThatHangsMidTrialIsKilledAndRestartedOnTheLastGoodConfiguration() throws Exception {
    runWithFailureInTrialOne("STOP");
  }

  /** Sends {@code signal} to the child during trial 1's measurement window. */
  private void runWithFailureInTrialOne(String signal) throws Exception {
    ExecutorService campaignThreads = Executors.newVirtualThreadPerTaskExecutor();
    try (HttpRuntimeAdapter runtime =
            ChildRuntime.builder()
                .id("runtime-process")
                // A hung child answers nothing: these bound how long the trial waits on it.
                .scrapeTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(3))
                .stopGrace(Duration.ofSeconds(2))
                .build();
        TrialStore store = TrialStores.openH2(dir)) {
      CompletableFuture<Long> signalled = new CompletableFuture<>();
      CompletableFuture<Optional<Long>> afterFailure = new CompletableFuture<>();
      CompletableFuture<Configuration> configurationAfterFailure = new CompletableFuture<>();
      TuningListener saboteur =
          new TuningListener() {
            @Override
            public void trialStarted(Trial trial) {
              if (trial.number() == 1) {
                Thread.ofVirtual().start(() -> sabotage(runtime, trial, signal, signalled));
              }
            }

            @Override
            public void trialFinished(Trial trial) {
              if (trial.number() == 1) {
                afterFailure.complete(runtime.process().filter(p -> p.isAlive()).map(p -> p.pid()));
                configurationAfterFailure.complete(runtime.current());
              }
            }
          };
      RuntimeRegistry registry = new RuntimeRegistry();
      registry.register(runtime);
      CampaignService campaigns =
          new CampaignService(
              store,
              registry,
              new Strategies(),
              Workloads::from,
              Ticker.system(),
              List.of(saboteur),
              () -> UUID.randomUUID().toString(),
              campaignThreads);
      Configuration original = runtime.current();
      CampaignSpec spec =
          new CampaignSpec(
              "mid-trial-" + signal.toLowerCase(java.util.Locale.ROOT),
              runtime.id(),
              SearchSpace.of(
                  Parameter.categorical("quantization", "fp32", "int8"),
                  Parameter.ordinal("cache_entries", 0L, 20_000L)),
              // Minimised: the original (fp32, no cache) is the slowest, so wins and nothing is
              // promoted; this test is about the failure, not the promotion.
              Objective.minimize(Metrics.THROUGHPUT_RPS),
              List.of(),
              new StrategySpec("grid", 7),
              Budget.trials(3),
              MeasurementSpec.of(Duration.ofMillis(500), Duration.ofSeconds(3)),
              new WorkloadSpec(WorkloadSpec.Mode.CLOSED_LOOP, 4, 100, 2_000, 1.0, 7),
              new PromotionPolicy(
                  2,
                  Optional.of(Duration.ofSeconds(1)),
                  0.25,
                  0,
                  Duration.ZERO,
                  Duration.ofSeconds(1)));

      Campaign started = campaigns.start(spec, "test");
      campaignThreads.shutdown();
      assertThat(campaignThreads.awaitTermination(4, TimeUnit.MINUTES)).isTrue();

      long sabotagedPid = signalled.get(0, TimeUnit.SECONDS);
      Campaign done = store.campaign(started.id()).orElseThrow();
      List<Trial> trials = store.trials(done.id());
      assertThat(done.status()).as(done.message().orElse("")).isEqualTo(CampaignStatus.COMPLETED);
      assertThat(trials).hasSize(3);
      Trial failed = trials.get(1);
      assertThat(failed.status()).as(failed.toString()).isEqualTo(TrialStatus.FAILED);
      assertThat(failed.reason().orElseThrow())
          .contains("measurement failed")
          .contains("runtime recovered on the last known-good configuration");
      // Recovered before the campaign went on: a live child on the baseline's configuration, not
      // the one that failed.
      assertThat(afterFailure.get(0, TimeUnit.SECONDS))
          .isPresent()
          .get()
          .isNotEqualTo(sabotagedPid);
      assertThat(configurationAfterFailure.get(0, TimeUnit.SECONDS)).isEqualTo(original);
      assertThat(ProcessHandle.of(sabotagedPid).map(ProcessHandle::isAlive).orElse(false))
          .as("the sabotaged child is gone (a hung one killed)")
          .isFalse();
      assertThat(trials.get(2).status())
          .as("the campaign went on: %s", trials.get(2))
          .isEqualTo(TrialStatus.COMPLETED);
      assertThat(runtime.process().orElseThrow().isAlive()).isTrue();
    } finally {
      campaignThreads.shutdownNow();
    }
  }

  /**
   * Waits until the child runs {@code trial}'s configuration (its apply restarted it), lets the
   * measurement get going, then signals it.
   */
  private static void sabotage(
      HttpRuntimeAdapter runtime, Trial trial, String signal, CompletableFuture<Long> signalled) {
    try {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (!runtime.current().equals(trial.configuration())
          || runtime.process().map(p -> !p.isAlive()).orElse(true)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("trial 1's configuration never came into force");
        }
        // Polling a real child process against a deadline.
        Thread.sleep(50);
      }
      // Past the warm-up, inside the measurement window.
      Thread.sleep(1_000);
      long pid = runtime.process().orElseThrow().pid();
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
      if (kill.waitFor() != 0) {
        throw new AssertionError("kill -" + signal + " " + pid + " failed");
      }
      signalled.complete(pid);
    } catch (Exception | AssertionError e) {
      signalled.completeExceptionally(e);
    }
  }
}
