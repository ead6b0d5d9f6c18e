package io.infertune.tuner.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.strategy.StrategyFactory;
import io.infertune.tuner.testkit.InMemoryTrialStore;
import io.infertune.tuner.testkit.ListStrategy;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.SimulatedRuntime;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.testkit.TrickleWorkload;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.infertune.tuner.trial.WorkloadSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CampaignRunnerTest {
  private static final Configuration B4_FP32 =
      Configuration.of("batch_size", 4, "quantization", "fp32");
  private static final Configuration B16_INT8 =
      Configuration.of("batch_size", 16, "quantization", "int8");
  private static final Configuration B16_FP32 =
      Configuration.of("batch_size", 16, "quantization", "fp32");
  private static final Configuration B64_FP32 =
      Configuration.of("batch_size", 64, "quantization", "fp32");

  private final ManualTicker ticker = new ManualTicker();
  private final SimulatedRuntime runtime = new SimulatedRuntime(ticker);
  private final InMemoryTrialStore store = new InMemoryTrialStore();
  private final List<String> events = new ArrayList<>();
  private ListStrategy strategy;

  private CampaignSpec spec(
      int maxTrials, List<Constraint> constraints, Optional<Duration> maxDuration) {
    return new CampaignSpec(
        "test",
        runtime.id(),
        runtime.knobs(),
        Objective.maximize("throughput_rps"),
        constraints,
        new StrategySpec("list", 1),
        new Budget(maxTrials, maxDuration),
        new MeasurementSpec(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(1)),
        WorkloadSpec.closedLoop(1, 1));
  }

  private CampaignRunner runner(List<Configuration> proposals, TuningListener... extra) {
    strategy = new ListStrategy(proposals);
    StrategyFactory factory = (type, ctx) -> strategy;
    CampaignRunner.Builder b =
        CampaignRunner.builder()
            .store(store)
            .runtime(runtime)
            .strategies(factory)
            .workload(new TrickleWorkload())
            .ticker(ticker)
            .cores(2)
            .deploymentIds(() -> "d-" + events.size())
            .listener(
                new TuningListener() {
                  @Override
                  public void trialFinished(Trial t) {
                    events.add("trial " + t.number() + " " + t.status());
                  }

                  @Override
                  public void campaignFinished(CampaignOutcome o) {
                    events.add("done " + o.campaign().status());
                  }
                });
    for (TuningListener l : extra) {
      b.listener(l);
    }
    return b.build();
  }

  private Campaign created(CampaignSpec spec) {
    Campaign c = Campaign.created("c1", spec, "operator", ticker.now());
    store.createCampaign(c);
    return c;
  }

  @Test
  void measuresTheBaselineThenTheProposalsAndPushesTheBest() {
    Campaign c = created(spec(4, List.of(), Optional.empty()));
    CampaignOutcome o = runner(List.of(B4_FP32, B16_INT8, B16_FP32)).run(c);

    assertThat(o.campaign().status()).isEqualTo(CampaignStatus.COMPLETED);
    assertThat(store.trials("c1"))
        .extracting(Trial::status)
        .containsOnly(TrialStatus.COMPLETED)
        .hasSize(4);
    assertThat(o.baseline().orElseThrow().configuration()).isEqualTo(runtime.defaults());
    assertThat(o.best().orElseThrow().configuration()).isEqualTo(B16_INT8);
    assertThat(o.best().orElseThrow().objectiveValue().getAsDouble())
        .isCloseTo(800, org.assertj.core.api.Assertions.within(2.0));
    assertThat(runtime.current()).isEqualTo(B16_INT8);
    assertThat(store.deployments("sim"))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.before()).isEqualTo(runtime.defaults());
              assertThat(d.after()).isEqualTo(B16_INT8);
              assertThat(d.evidence()).contains("ratio 8.00");
            });
    assertThat(store.campaign("c1").orElseThrow().bestTrialId()).contains("c1-2");
    // Every trial was stored final before the strategy heard of it.
    assertThat(strategy.told()).extracting(Trial::number).containsExactly(0, 1, 2, 3);
    assertThat(events)
        .containsExactly(
            "trial 0 COMPLETED",
            "trial 1 COMPLETED",
            "trial 2 COMPLETED",
            "trial 3 COMPLETED",
            "done COMPLETED");
  }

  @Test
  void aFailedApplyIsAFailedTrialWithItsReasonAndTheCampaignGoesOn() {
    Campaign c = created(spec(3, List.of(), Optional.empty()));
    CampaignOutcome o = runner(List.of(B64_FP32, B4_FP32)).run(c);
    Trial oom = store.trials("c1").get(1);
    assertThat(oom.status()).isEqualTo(TrialStatus.FAILED);
    assertThat(oom.reason())
        .hasValueSatisfying(r -> assertThat(r).contains("out_of_memory").contains("does not fit"));
    assertThat(strategy.told()).contains(oom);
    assertThat(o.best().orElseThrow().configuration()).isEqualTo(B4_FP32);
  }

  @Test
  void constraintsMakeTrialsInfeasibleAndTheBestFeasibleWins() {
    Campaign c = created(spec(4, List.of(Constraint.atLeast("accuracy", 0.99)), Optional.empty()));
    CampaignOutcome o = runner(List.of(B16_INT8, B16_FP32, B4_FP32)).run(c);
    Trial int8 = store.trials("c1").get(1);
    assertThat(int8.status()).isEqualTo(TrialStatus.INFEASIBLE);
    assertThat(int8.reason())
        .hasValueSatisfying(r -> assertThat(r).contains("accuracy").contains(">= 0.99"));
    assertThat(o.best().orElseThrow().configuration()).isEqualTo(B16_FP32);
    assertThat(runtime.current()).isEqualTo(B16_FP32);
  }

  @Test
  void whenNothingBeatsTheBaselineNothingIsPushedAndTheOriginalIsRestored() {
    Campaign c =
        created(spec(3, List.of(Constraint.atMost("latency_p95_ms", 5)), Optional.empty()));
    CampaignOutcome o = runner(List.of(B16_FP32, B4_FP32)).run(c);
    assertThat(o.pushed()).isFalse();
    assertThat(store.deployments("sim")).isEmpty();
    assertThat(runtime.current()).isEqualTo(runtime.defaults());
    assertThat(o.campaign().message())
        .hasValueSatisfying(m -> assertThat(m).contains("original configuration was the best"));
  }

  @Test
  void aResumedCampaignAbortsTheInterruptedTrialAndContinuesWithoutDuplicates() {
    CampaignSpec spec = spec(5, List.of(), Optional.empty());
    Campaign c = created(spec);
    store.saveTrial(TrialStoreContract.measuredTrial("c1", 0));
    store.saveTrial(TrialStoreContract.measuredTrial("c1", 1));
    store.saveTrial(Trial.running("c1", 2, B16_FP32, false, ticker.now()));

    runner(List.of(B4_FP32, B16_INT8)).run(c.withStatus(CampaignStatus.RUNNING));

    List<Trial> trials = store.trials("c1");
    assertThat(trials).extracting(Trial::number).containsExactly(0, 1, 2, 3, 4);
    assertThat(trials.get(2).status()).isEqualTo(TrialStatus.ABORTED);
    assertThat(trials.get(2).reason())
        .hasValueSatisfying(r -> assertThat(r).contains("interrupted"));
    assertThat(trials.stream().filter(Trial::baseline)).hasSize(1);
    // The strategy was warm-started with the stored final trials, not the aborted one.
    assertThat(strategy.told()).extracting(Trial::number).containsExactly(0, 1, 3, 4);
  }

  @Test
  void stopAbandonsTheCampaignAndRestoresTheOriginalConfiguration() {
    Campaign c = created(spec(10, List.of(), Optional.empty()));
    CampaignRunner[] self = new CampaignRunner[1];
    self[0] =
        runner(
            List.of(B4_FP32, B16_INT8, B16_FP32, B4_FP32),
            new TuningListener() {
              @Override
              public void trialStarted(Trial t) {
                if (t.number() == 2) {
                  self[0].stop();
                }
              }
            });
    CampaignOutcome o = self[0].run(c);
    assertThat(o.campaign().status()).isEqualTo(CampaignStatus.STOPPED);
    assertThat(store.trials("c1"))
        .extracting(Trial::status)
        .containsExactly(TrialStatus.COMPLETED, TrialStatus.COMPLETED, TrialStatus.ABORTED);
    assertThat(runtime.current()).isEqualTo(runtime.defaults());
    assertThat(o.pushed()).isFalse();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void theTimeBudgetEndsTheCampaign() {
    // Each trial takes 5 s of (manual) time: 1 s warm-up and a 4 s window.
    Campaign c = created(spec(100, List.of(), Optional.of(Duration.ofSeconds(12))));
    CampaignOutcome o = runner(List.of(B4_FP32, B16_FP32, B16_INT8, B4_FP32)).run(c);
    assertThat(o.trials()).hasSize(3);
    assertThat(o.campaign().message())
        .hasValueSatisfying(m -> assertThat(m).contains("time budget"));
  }

  @Test
  void anExhaustedStrategyEndsTheCampaignEarly() {
    Campaign c = created(spec(10, List.of(), Optional.empty()));
    CampaignOutcome o = runner(List.of(B4_FP32)).run(c);
    assertThat(o.trials()).hasSize(2);
    assertThat(o.campaign().message())
        .hasValueSatisfying(m -> assertThat(m).startsWith("search space exhausted"));
  }

  @Test
  void strategiesThatHoldResourcesAreClosedWithTheirCampaign() {
    Campaign c = created(spec(3, List.of(), Optional.empty()));
    java.util.concurrent.atomic.AtomicBoolean closed =
        new java.util.concurrent.atomic.AtomicBoolean();
    class ClosingStrategy implements io.infertune.tuner.strategy.SearchStrategy, AutoCloseable {
      private final ListStrategy delegate = new ListStrategy(List.of(B4_FP32));

      @Override
      public List<Configuration> ask(int n) {
        return delegate.ask(n);
      }

      @Override
      public void tell(Trial t) {
        delegate.tell(t);
      }

      @Override
      public void close() {
        closed.set(true);
      }
    }
    CampaignRunner r =
        CampaignRunner.builder()
            .store(store)
            .runtime(runtime)
            .strategies((type, ctx) -> new ClosingStrategy())
            .workload(new TrickleWorkload())
            .ticker(ticker)
            .build();
    assertThat(r.run(c).trials()).hasSize(2);
    assertThat(closed).isTrue();
  }

  @Test
  void aResumedCampaignWhoseBaselineWasInterruptedMeasuresANewBaseline() {
    Campaign c = created(spec(3, List.of(), Optional.empty()));
    store.saveTrial(Trial.running("c1", 0, runtime.defaults(), true, ticker.now()));

    CampaignOutcome o = runner(List.of(B16_INT8)).run(c.withStatus(CampaignStatus.RUNNING));

    List<Trial> trials = store.trials("c1");
    assertThat(trials.get(0).status()).isEqualTo(TrialStatus.ABORTED);
    assertThat(trials.get(1).baseline()).isTrue();
    assertThat(trials.get(1).status()).isEqualTo(TrialStatus.COMPLETED);
    // The push is judged against the new, measured baseline.
    assertThat(o.baseline()).contains(trials.get(1));
    assertThat(o.deployment().orElseThrow().evidence()).contains("vs baseline 100");
  }

  @Test
  void aStopBeforeTheFirstTrialRunsNothing() {
    Campaign c = created(spec(5, List.of(), Optional.empty()));
    CampaignRunner r = runner(List.of(B4_FP32));
    r.stop();
    CampaignOutcome o = r.run(c);
    assertThat(o.campaign().status()).isEqualTo(CampaignStatus.STOPPED);
    assertThat(store.trials("c1")).isEmpty();
    assertThat(runtime.applied()).isEmpty();
  }
}
