package io.infertune.tuner.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.WindowReport;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.InMemoryTrialStore;
import io.infertune.tuner.testkit.ListStrategy;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.ShapedRuntime;
import io.infertune.tuner.testkit.TrickleWorkload;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.infertune.tuner.trial.WorkloadSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Early stopping and re-measurement of the incumbent in a campaign (adaptive protocol). */
class CampaignRunnerPruningTest {
  private static final Configuration B4_FP32 =
      Configuration.of("batch_size", 4, "quantization", "fp32");
  private static final Configuration B16_FP32 =
      Configuration.of("batch_size", 16, "quantization", "fp32");
  private static final Configuration B16_INT8 =
      Configuration.of("batch_size", 16, "quantization", "int8");
  private static final Configuration B4_INT8 =
      Configuration.of("batch_size", 4, "quantization", "int8");

  private final ManualTicker ticker = new ManualTicker();
  private final InMemoryTrialStore store = new InMemoryTrialStore();
  private ListStrategy strategy;

  /** 1 s warm-up; window 3 to 30 s at 1 s intervals aiming at ±5 %; pruning on. */
  private static MeasurementSpec.Builder protocol() {
    return MeasurementSpec.builder()
        .warmup(Duration.ofSeconds(1))
        .sampleInterval(Duration.ofSeconds(1))
        .adaptiveWindow(Duration.ofSeconds(3), Duration.ofSeconds(30), 0.05)
        .pruning(true);
  }

  private Campaign campaign(
      ShapedRuntime runtime, int maxTrials, List<Constraint> constraints, MeasurementSpec m) {
    CampaignSpec spec =
        new CampaignSpec(
            "pruning",
            runtime.id(),
            runtime.knobs(),
            Objective.maximize("throughput_rps"),
            constraints,
            new StrategySpec("list", 1),
            new Budget(maxTrials, Optional.empty()),
            m,
            WorkloadSpec.closedLoop(1, 1));
    Campaign c = Campaign.created("c" + store.campaigns().size(), spec, "test", ticker.now());
    store.createCampaign(c);
    return c;
  }

  private CampaignOutcome run(ShapedRuntime runtime, Campaign c, List<Configuration> proposals) {
    strategy = new ListStrategy(proposals);
    return CampaignRunner.builder()
        .store(store)
        .runtime(runtime)
        .strategies((type, ctx) -> strategy)
        .workload(new TrickleWorkload())
        .ticker(ticker)
        .cores(2)
        .build()
        .run(c);
  }

  @Test
  void aClearlyWorseProposalIsPrunedEarlyAndStoredWithItsPartialMeasurement() {
    ShapedRuntime runtime = ShapedRuntime.builder(ticker).noise(0.1, 5).build();
    Campaign c = campaign(runtime, 3, List.of(), protocol().build());
    CampaignOutcome o = run(runtime, c, List.of(B16_INT8, B4_FP32));

    Trial worse = store.trials(c.id()).get(2);
    assertThat(worse.status()).isEqualTo(TrialStatus.PRUNED);
    assertThat(worse.reason())
        .hasValueSatisfying(
            r ->
                assertThat(r)
                    .startsWith("pruned after 3.0 s: throughput_rps 99% CI [")
                    .contains("below incumbent")
                    .endsWith("(trial 1)"));
    // The partial data are kept: 3 s of a 200 req/s configuration.
    assertThat(worse.measurement().orElseThrow().window()).isEqualTo(Duration.ofSeconds(3));
    assertThat(worse.measurement().orElseThrow().report().orElseThrow().end())
        .isEqualTo(WindowReport.End.STOPPED);
    assertThat(worse.objectiveValue().getAsDouble()).isCloseTo(200, within(40.0));
    assertThat(strategy.told()).contains(worse);
    assertThat(o.best().orElseThrow().configuration()).isEqualTo(B16_INT8);
    // The two measured in full ran until ±5 %, much longer than the pruned one.
    for (Trial t : List.of(store.trials(c.id()).get(0), store.trials(c.id()).get(1))) {
      assertThat(t.status()).isEqualTo(TrialStatus.COMPLETED);
      assertThat(t.measurement().orElseThrow().window()).isGreaterThan(Duration.ofSeconds(5));
    }
  }

  /** 2 s warm-up at 0.25 s intervals; window 1 to 30 s aiming at ±5 %; pruning on. */
  private static MeasurementSpec.Builder longWarmup() {
    return MeasurementSpec.builder()
        .warmup(Duration.ofSeconds(2))
        .sampleInterval(Duration.ofMillis(250))
        .adaptiveWindow(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.05)
        .pruning(true);
  }

  @Test
  void aGrossLoserIsPrunedInItsWarmUpAndAMereLoserAfterTheMinimumWindow() {
    // Incumbent 1000 req/s; 300 is below half of it, 700 is not.
    ShapedRuntime runtime =
        ShapedRuntime.builder(ticker)
            .noise(0.1, 6)
            .landscape(cfg -> cfg.equals(B16_INT8) ? 1000 : cfg.equals(B4_FP32) ? 300 : 700)
            .build();
    Campaign c = campaign(runtime, 4, List.of(), longWarmup().build());
    run(runtime, c, List.of(B16_INT8, B4_FP32, B16_FP32));

    Trial gross = store.trials(c.id()).get(2);
    assertThat(gross.status()).isEqualTo(TrialStatus.PRUNED);
    assertThat(gross.reason())
        .hasValueSatisfying(
            r ->
                assertThat(r)
                    .startsWith("pruned in the warm-up after ")
                    .contains("below half the incumbent"));
    Duration grossTime = gross.measurement().orElseThrow().window();
    assertThat(grossTime).isLessThan(Duration.ofSeconds(2));
    assertThat(gross.measurement().orElseThrow().report().orElseThrow().end())
        .isEqualTo(WindowReport.End.STOPPED);

    Trial mere = store.trials(c.id()).get(3);
    assertThat(mere.status()).isEqualTo(TrialStatus.PRUNED);
    assertThat(mere.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("pruned after "));
    // Through its whole 2 s warm-up, then at least the 1 s minimum window.
    assertThat(mere.measurement().orElseThrow().report().orElseThrow().warmup())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(mere.measurement().orElseThrow().window())
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aConfigurationRampingUpInItsWarmUpIsNotPrunedThere() {
    // Starts at half its 900 req/s after each apply and climbs over 3 s: its first intervals are
    // below half the incumbent's 1000, but they climb significantly.
    for (long seed = 1; seed <= 5; seed++) {
      ShapedRuntime runtime =
          ShapedRuntime.builder(ticker)
              .noise(0.05, seed)
              .ramp(Duration.ofSeconds(3))
              .landscape(cfg -> cfg.equals(B16_INT8) ? 1000 : cfg.equals(B4_INT8) ? 900 : 100)
              .build();
      Campaign c = campaign(runtime, 3, List.of(), longWarmup().build());
      run(runtime, c, List.of(B16_INT8, B4_INT8));
      Trial ramp = store.trials(c.id()).get(2);
      assertThat(ramp.reason().orElse(""))
          .as("seed %d", seed)
          .doesNotStartWith("pruned in the warm-up");
    }
  }

  @Test
  void aProposalCloseToTheIncumbentIsMeasuredInFull() {
    // 2 % below the incumbent, ±10 % noise per interval: never clearly worse within ±5 %.
    for (long seed = 1; seed <= 10; seed++) {
      ShapedRuntime runtime =
          ShapedRuntime.builder(ticker)
              .noise(0.1, seed)
              .landscape(cfg -> cfg.equals(B16_INT8) ? 1000 : cfg.equals(B4_INT8) ? 980 : 100)
              .build();
      Campaign c = campaign(runtime, 3, List.of(), protocol().build());
      run(runtime, c, List.of(B16_INT8, B4_INT8));
      Trial close = store.trials(c.id()).get(2);
      assertThat(close.status())
          .as("seed %d: %s", seed, close.reason())
          .isEqualTo(TrialStatus.COMPLETED);
    }
  }

  @Test
  void aProposalClearlyOutsideAConstraintIsPrunedThoughItsObjectiveWins() {
    ShapedRuntime runtime = ShapedRuntime.builder(ticker).noise(0.1, 2).build();
    Campaign c =
        campaign(runtime, 2, List.of(Constraint.atLeast("accuracy", 0.98)), protocol().build());
    CampaignOutcome o = run(runtime, c, List.of(B16_INT8));

    Trial int8 = store.trials(c.id()).get(1);
    assertThat(int8.status()).isEqualTo(TrialStatus.PRUNED);
    assertThat(int8.reason())
        .contains("pruned after 3.0 s: accuracy 99% CI [0.9700, 0.9700] violates >= 0.98");
    assertThat(int8.objectiveValue().getAsDouble()).isGreaterThan(500);
    assertThat(o.best().orElseThrow().baseline()).isTrue();
  }

  @Test
  void aProposalStillClimbingIsNotPrunedOnWhatItShowedEarly() {
    // After every apply the rate climbs from half its level to all of it over 10 s (a cache
    // filling), and the warm-up is a fixed 1 s: early in its window the better proposal looks
    // much worse than the incumbent, which was measured until its window converged.
    ShapedRuntime runtime =
        ShapedRuntime.builder(ticker)
            .noise(0.02, 4)
            .ramp(Duration.ofSeconds(10))
            .landscape(cfg -> cfg.equals(B16_INT8) ? 1000 : cfg.equals(B4_INT8) ? 1100 : 100)
            .build();
    Campaign c = campaign(runtime, 3, List.of(), protocol().build());
    CampaignOutcome o = run(runtime, c, List.of(B16_INT8, B4_INT8));
    Trial climbing = store.trials(c.id()).get(2);
    assertThat(climbing.status()).as("%s", climbing.reason()).isEqualTo(TrialStatus.COMPLETED);
    assertThat(o.best().orElseThrow().configuration()).isEqualTo(B4_INT8);
  }

  @Test
  void theBaselineIsMeasuredInFullEvenWhenItViolatesAConstraint() throws Exception {
    ShapedRuntime runtime = ShapedRuntime.builder(ticker).noise(0.1, 3).build();
    runtime.apply(B16_INT8);
    Campaign c =
        campaign(runtime, 1, List.of(Constraint.atLeast("accuracy", 0.98)), protocol().build());
    run(runtime, c, List.of());
    Trial baseline = store.trials(c.id()).get(0);
    assertThat(baseline.status()).isEqualTo(TrialStatus.INFEASIBLE);
    assertThat(baseline.measurement().orElseThrow().report().orElseThrow().end())
        .isNotEqualTo(WindowReport.End.STOPPED);
  }

  @Test
  void withoutPruningAClearlyWorseProposalIsMeasuredInFull() {
    ShapedRuntime runtime = ShapedRuntime.builder(ticker).noise(0.1, 5).build();
    Campaign c = campaign(runtime, 3, List.of(), protocol().pruning(false).build());
    run(runtime, c, List.of(B16_INT8, B4_FP32));
    assertThat(store.trials(c.id())).extracting(Trial::status).containsOnly(TrialStatus.COMPLETED);
  }

  @Test
  void theIncumbentIsRemeasuredEveryNTrialsAndItsNewValueBecomesTheReference() {
    // No noise: every window converges at 3 s; the machine loses 10 % per minute.
    ShapedRuntime runtime = ShapedRuntime.builder(ticker).drift(0.1).build();
    Campaign c = campaign(runtime, 6, List.of(), protocol().remeasureIncumbentEvery(2).build());
    run(runtime, c, List.of(B16_INT8, B4_FP32, B16_FP32, B4_INT8));

    List<Trial> trials = store.trials(c.id());
    assertThat(trials)
        .extracting(Trial::configuration)
        .containsExactly(runtime.defaults(), B16_INT8, B4_FP32, B16_FP32, B16_INT8, B4_INT8);
    Trial again = trials.get(4);
    assertThat(again.status()).isEqualTo(TrialStatus.COMPLETED);
    assertThat(again.baseline()).isFalse();
    assertThat(again.reason()).contains("re-measures the incumbent, trial 1");
    assertThat(again.objectiveValue().getAsDouble())
        .isLessThan(trials.get(1).objectiveValue().getAsDouble());
    assertThat(strategy.told()).contains(again);
    assertThat(Incumbent.of(trials, c.spec().objective()).orElseThrow().trial()).isEqualTo(again);
  }
}
