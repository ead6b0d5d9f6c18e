package io.infertune.tuner.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.Measurer;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Direction;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.InMemoryTrialStore;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.SimulatedRuntime;
import io.infertune.tuner.testkit.TrickleWorkload;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.PromotionPolicy;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.WorkloadSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The promotion rule on the simulated runtime with a manual clock: interleaved A/B rounds, a
 * one-sided Welch test, constraints on the candidate's rounds, and a watch that rolls back.
 */
class PromoterTest {
  /** The incumbent: 100 requests/s at 10 ms. */
  static final Configuration A = Configuration.of("batch_size", 1, "quantization", "fp32");

  /** 30 % more throughput at the same latency. */
  static final Configuration BETTER = Configuration.of("batch_size", 4, "quantization", "fp32");

  /** The incumbent's throughput and latency, in another configuration. */
  static final Configuration EQUAL = Configuration.of("batch_size", 1, "quantization", "int8");

  /** 30 % more throughput, but its latency goes to 200 ms after 20 s of serving (a leak). */
  static final Configuration DEGRADING = Configuration.of("batch_size", 16, "quantization", "fp32");

  /** 30 % more throughput at 80 ms: breaks the latency SLO from the start. */
  static final Configuration SLOW = Configuration.of("batch_size", 16, "quantization", "int8");

  /** Runs out of memory in the simulated runtime. */
  static final Configuration OOM = Configuration.of("batch_size", 64, "quantization", "fp32");

  static final Constraint LATENCY_SLO = Constraint.atMost("latency_p95_ms", 50);

  private final ManualTicker ticker = new ManualTicker();
  private final SimulatedRuntime runtime = new SimulatedRuntime(ticker);
  private final InMemoryTrialStore store = new InMemoryTrialStore();
  private final AtomicInteger ids = new AtomicInteger();

  /** Throughput (requests/s) and latency (s) by configuration, before and after a time served. */
  static SimulatedRuntime.Performance table(Map<Configuration, Double> throughputs) {
    return new SimulatedRuntime.Performance() {
      @Override
      public double throughput(Configuration c, double servingSeconds) {
        return throughputs.getOrDefault(c, 100.0);
      }

      @Override
      public double latencySeconds(Configuration c, double servingSeconds) {
        if (c.equals(SLOW) || c.equals(DEGRADING) && servingSeconds > 20) {
          return c.equals(SLOW) ? 0.08 : 0.2;
        }
        return 0.01;
      }
    };
  }

  private static final Map<Configuration, Double> THROUGHPUT =
      Map.of(A, 100.0, BETTER, 130.0, EQUAL, 100.0, DEGRADING, 130.0, SLOW, 130.0);

  /**
   * Maximise throughput under a 50 ms p95 SLO; trials and rounds: 1 s warm-up, 4 s window in 1 s
   * intervals; watch 30 s in 10 s windows.
   */
  static CampaignSpec spec(Objective objective, PromotionPolicy policy) {
    return new CampaignSpec(
        "promotion",
        "sim",
        new SimulatedRuntime(new ManualTicker()).knobs(),
        objective,
        List.of(LATENCY_SLO),
        new StrategySpec("list", 1),
        Budget.trials(10),
        new MeasurementSpec(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(1)),
        WorkloadSpec.closedLoop(1, 1),
        policy);
  }

  static final PromotionPolicy POLICY =
      PromotionPolicy.DEFAULT.withWatch(Duration.ofSeconds(30), Duration.ofSeconds(10));

  private Campaign campaign(CampaignSpec spec) {
    Campaign c = Campaign.created("c1", spec, "operator", ticker.now());
    store.createCampaign(c);
    return c;
  }

  private Promoter.Builder promoter() {
    return Promoter.builder()
        .runtime(runtime)
        .measurer(new Measurer(ticker, 2), new TrickleWorkload())
        .ticker(ticker)
        .recorder(store::recordDeployment)
        .deploymentIds(() -> "d" + ids.incrementAndGet());
  }

  @Test
  void aClearlyBetterConfigurationIsPushedAfterInterleavedRoundsAndKept() throws Exception {
    runtime.performance(table(THROUGHPUT)).noise(0.1, 1);
    Campaign c = campaign(spec(Objective.maximize("throughput_rps"), POLICY));

    PromotionOutcome o = promoter().build().promote(c, A, BETTER);

    assertThat(o.kept()).as(o.message()).isTrue();
    PromotionDecision d = o.decision();
    assertThat(d.push()).isTrue();
    assertThat(d.rounds()).isEqualTo(5);
    assertThat(d.pValue().getAsDouble()).isLessThan(0.01);
    assertThat(d.incumbentMean().getAsDouble()).isCloseTo(100, within(10.0));
    assertThat(d.candidateMean().getAsDouble()).isCloseTo(130, within(13.0));
    // A, B, A, B …: each round applies its arm; the watch applies nothing.
    List<Configuration> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      expected.add(A);
      expected.add(BETTER);
    }
    assertThat(runtime.applied()).containsExactlyElementsOf(expected);
    assertThat(runtime.current()).isEqualTo(BETTER);
    assertThat(store.deployments("sim"))
        .singleElement()
        .satisfies(
            dep -> {
              assertThat(dep).isEqualTo(o.push().orElseThrow());
              assertThat(dep.before()).isEqualTo(A);
              assertThat(dep.after()).isEqualTo(BETTER);
              assertThat(dep.cause()).isEqualTo("campaign:c1");
              assertThat(dep.campaignId()).contains("c1");
              assertThat(dep.evidence())
                  .contains("throughput_rps")
                  .contains("vs baseline")
                  .contains("significantly better (p ")
                  .contains("5+5 A/B rounds");
            });
    assertThat(o.message()).contains("constraints held over the 30 s watch");
  }

  @Test
  void anEqualConfigurationIsNotPushedAndTheIncumbentIsRestored() throws Exception {
    runtime.performance(table(THROUGHPUT)).noise(0.1, 1);
    Campaign c = campaign(spec(Objective.maximize("throughput_rps"), POLICY));

    PromotionOutcome o = promoter().build().promote(c, A, EQUAL);

    assertThat(o.decision().push()).isFalse();
    assertThat(o.decision().pValue().getAsDouble()).isGreaterThanOrEqualTo(0.05);
    assertThat(o.message()).startsWith("not pushed: no significant improvement (p = ");
    assertThat(o.push()).isEmpty();
    assertThat(store.deployments("sim")).isEmpty();
    assertThat(runtime.current()).isEqualTo(A);
  }

  @Test
  void aPushThatBreaksTheSloDuringTheWatchIsRolledBackAndBothAreRecorded() throws Exception {
    runtime.performance(table(THROUGHPUT)).noise(0.1, 1);
    Campaign c = campaign(spec(Objective.maximize("throughput_rps"), POLICY));

    PromotionOutcome o = promoter().build().promote(c, A, DEGRADING);

    // Each round serves DEGRADING for 5 s, too short to see the leak; the watch serves it longer.
    assertThat(o.decision().push()).isTrue();
    assertThat(o.rolledBack()).isTrue();
    assertThat(o.kept()).isFalse();
    assertThat(runtime.current()).isEqualTo(A);
    List<Deployment> history = store.deployments("sim");
    assertThat(history).hasSize(2);
    Deployment back = history.get(0);
    Deployment push = history.get(1);
    assertThat(push.after()).isEqualTo(DEGRADING);
    assertThat(push.cause()).isEqualTo("campaign:c1");
    assertThat(back).isEqualTo(o.rollback().orElseThrow());
    assertThat(back.before()).isEqualTo(DEGRADING);
    assertThat(back.after()).isEqualTo(A);
    assertThat(back.cause()).startsWith("rollback:latency_p95_ms").contains("violates <= 50.0");
    assertThat(back.at()).isAfter(push.at());
    // Pushed after the last round: 20 s of serving are reached 15 s into the watch, in window 2.
    assertThat(o.violation()).hasValueSatisfying(v -> assertThat(v).contains("window 2 of 3"));
    assertThat(o.message()).contains(", then rolled back: latency_p95_ms");
  }

  @Test
  void aCandidateThatBreaksAConstraintInItsRoundsIsNotPushedHoweverFast() throws Exception {
    runtime.performance(table(THROUGHPUT)).noise(0.1, 1);
    Campaign c = campaign(spec(Objective.maximize("throughput_rps"), POLICY));

    PromotionOutcome o = promoter().build().promote(c, A, SLOW);

    assertThat(o.decision().push()).isFalse();
    assertThat(o.decision().pValue().getAsDouble()).isLessThan(0.05);
    assertThat(o.decision().reason())
        .contains("significantly better")
        .contains("latency_p95_ms mean")
        .contains("violates <= 50.0");
    assertThat(store.deployments("sim")).isEmpty();
    assertThat(runtime.current()).isEqualTo(A);
  }

  @Test
  void theMinimumImprovementIsAMarginTheCandidateMustBeat() throws Exception {
    // Without noise the rounds repeat exactly: the test's answer is certain either way.
    runtime.performance(table(Map.of(A, 100.0, BETTER, 110.0)));
    Campaign c = campaign(spec(Objective.maximize("throughput_rps"), POLICY));
    PromotionPolicy strict =
        new PromotionPolicy(5, Optional.empty(), 0.05, 0.2, Duration.ZERO, Duration.ofSeconds(1));
    PromotionPolicy lenient =
        new PromotionPolicy(5, Optional.empty(), 0.05, 0.05, Duration.ZERO, Duration.ofSeconds(1));
    Promoter p = promoter().build();

    PromotionDecision tooLittle = p.compare(c.spec().withPromotion(strict), A, BETTER);
    PromotionDecision enough = p.compare(c.spec().withPromotion(lenient), A, BETTER);

    assertThat(tooLittle.push()).isFalse();
    assertThat(tooLittle.pValue()).hasValue(1.0);
    assertThat(tooLittle.reason()).contains("no significant improvement").contains("margin 20");
    assertThat(enough.push()).isTrue();
    assertThat(enough.pValue()).hasValue(0.0);
    assertThat(enough.candidateMean().getAsDouble()).isCloseTo(110, within(1.0));
  }

  @Test
  void aMinimisedObjectiveIsBetterWhenSmaller() throws Exception {
    runtime.performance(
        new SimulatedRuntime.Performance() {
          @Override
          public double throughput(Configuration c, double servingSeconds) {
            return 100;
          }

          @Override
          public double latencySeconds(Configuration c, double servingSeconds) {
            return c.equals(BETTER) ? 0.004 : 0.008;
          }
        });
    Campaign c = campaign(spec(Objective.minimize("latency_p95_ms"), POLICY));
    Promoter p = promoter().build();

    assertThat(p.compare(c.spec(), A, BETTER).push()).isTrue();
    assertThat(p.compare(c.spec(), BETTER, A).push()).isFalse();
  }

  @Test
  void aRoundThatCannotBeAppliedEndsTheComparisonWithoutAPush() throws Exception {
    Campaign c = campaign(spec(Objective.maximize("throughput_rps"), POLICY));

    PromotionOutcome o = promoter().build().promote(c, A, OOM);

    assertThat(o.decision().push()).isFalse();
    assertThat(o.decision().pValue()).isEmpty();
    assertThat(o.decision().rounds()).isZero();
    assertThat(o.message())
        .contains("applying the candidate in round 1 of 5 failed (out_of_memory)");
    assertThat(runtime.current()).isEqualTo(A);
    assertThat(store.deployments("sim")).isEmpty();
  }

  @Test
  void aStopDuringTheWatchRollsBackRecordsItAndRethrows() throws Exception {
    runtime.performance(table(THROUGHPUT));
    Campaign c = campaign(spec(Objective.maximize("throughput_rps"), POLICY));
    Measurer measurer = new Measurer(ticker, 2);
    AtomicInteger windows = new AtomicInteger();
    Promoter p =
        promoter()
            .window(
                spec -> {
                  // 10 rounds, then the first watch window: the stop lands in the second.
                  if (windows.incrementAndGet() > 11) {
                    throw new InterruptedException();
                  }
                  return measurer.measure(runtime, new TrickleWorkload(), spec);
                })
            .build();

    assertThatThrownBy(() -> p.promote(c, A, BETTER)).isInstanceOf(InterruptedException.class);

    assertThat(runtime.current()).isEqualTo(A);
    assertThat(store.deployments("sim"))
        .extracting(Deployment::cause)
        .containsExactly("rollback:stopped", "campaign:c1");
  }

  @Test
  void aStopDuringTheRoundsRestoresTheIncumbentWithoutARecord() throws Exception {
    Campaign c = campaign(spec(Objective.maximize("throughput_rps"), POLICY));
    Measurer measurer = new Measurer(ticker, 2);
    AtomicInteger windows = new AtomicInteger();
    Promoter p =
        promoter()
            .window(
                spec -> {
                  if (windows.incrementAndGet() == 4) {
                    throw new InterruptedException();
                  }
                  return measurer.measure(runtime, new TrickleWorkload(), spec);
                })
            .build();

    assertThatThrownBy(() -> p.promote(c, A, BETTER)).isInstanceOf(InterruptedException.class);

    assertThat(runtime.current()).isEqualTo(A);
    assertThat(store.deployments("sim")).isEmpty();
  }

  // ------------------------------------------------------------------ statistics over many seeds

  private static final int SEEDS = 200;

  /** How many of {@link #SEEDS} noisy runs push {@code candidate} over the incumbent. */
  private static int pushesOver(double candidateThroughput) throws Exception {
    int pushes = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      ManualTicker t = new ManualTicker();
      SimulatedRuntime r =
          new SimulatedRuntime(t)
              .performance(table(Map.of(A, 100.0, EQUAL, candidateThroughput)))
              .noise(0.1, seed);
      Promoter p =
          Promoter.builder()
              .runtime(r)
              .measurer(new Measurer(t, 2), new TrickleWorkload())
              .ticker(t)
              .recorder(d -> {})
              .build();
      if (p.compare(spec(Objective.maximize("throughput_rps"), POLICY), A, EQUAL).push()) {
        pushes++;
      }
    }
    return pushes;
  }

  @Test
  void equalConfigurationsArePushedAboutAsOftenAsAlphaAllows() throws Exception {
    // Binomial(200, 0.05): mean 10, standard deviation 3.1; 20 is more than three above.
    assertThat(pushesOver(100)).isLessThanOrEqualTo(20);
  }

  @Test
  void aWorseConfigurationIsNeverPushed() throws Exception {
    // A two-sided test would push this one whenever it found the (real) difference.
    assertThat(pushesOver(90)).isZero();
  }

  @Test
  void aTwentyPercentImprovementIsFoundNearlyAlways() throws Exception {
    // Per-round noise about 5 % (10 % per 1 s interval over 4 intervals): t ≈ 6 at n = 5 + 5.
    assertThat(pushesOver(120)).isGreaterThanOrEqualTo(SEEDS * 95 / 100);
  }

  @Test
  void welchIsOneSidedAndCertainWithoutNoise() {
    double[] low = {1, 2, 3, 4};
    double[] high = {3, 4, 5, 6};
    double p = Promoter.oneSidedWelch(high, low, Direction.MAXIMIZE);
    double q = Promoter.oneSidedWelch(low, high, Direction.MAXIMIZE);
    assertThat(p + q).isCloseTo(1, within(1e-12));
    assertThat(p).isLessThan(0.05);
    assertThat(Promoter.oneSidedWelch(high, low, Direction.MINIMIZE)).isCloseTo(q, within(1e-12));
    double[] five = {5, 5, 5};
    double[] four = {4, 4, 4};
    assertThat(Promoter.oneSidedWelch(five, four, Direction.MAXIMIZE)).isZero();
    assertThat(Promoter.oneSidedWelch(five, five, Direction.MAXIMIZE)).isEqualTo(1);
    assertThat(Promoter.oneSidedWelch(four, five, Direction.MINIMIZE)).isZero();
  }
}
