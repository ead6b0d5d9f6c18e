package io.infertune.strategies;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ParetoFitnessTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final List<Objective> OBJECTIVES =
      List.of(Objective.maximize("throughput_rps"), Objective.minimize("latency_p95_ms"));
  private static final List<Constraint> CONSTRAINTS = List.of(Constraint.atMost("memory_mb", 1000));

  @Test
  void failedIsDominatedByEveryMeasuredTrialAndInfeasibleByEveryFeasibleOne() {
    ParetoFitness failed = of(failedTrial());
    ParetoFitness farOver = of(measured(900, 1, 3000, "memory"));
    ParetoFitness slightlyOver = of(measured(900, 1, 1100, "memory"));
    ParetoFitness slowFeasible = of(measured(1, 500, 10, null));
    ParetoFitness fastFeasible = of(measured(100, 5, 10, null));
    // Each dominates every one before it, whatever the objective values of infeasible ones.
    List<ParetoFitness> worstFirst =
        List.of(failed, farOver, slightlyOver, slowFeasible, fastFeasible);
    for (int i = 0; i < worstFirst.size(); i++) {
      for (int j = 0; j < i; j++) {
        assertThat(worstFirst.get(i).dominance(worstFirst.get(j))).as("%d over %d", i, j).isOne();
        assertThat(worstFirst.get(j).dominance(worstFirst.get(i))).isEqualTo(-1);
      }
    }
    assertThat(worstFirst).isSortedAccordingTo(ParetoFitness::compareTo);
    assertThat(failed.dominance(of(failedTrial()))).isZero();
  }

  @Test
  void feasibleTrialsArePartiallyOrderedByParetoDominanceInEachObjectivesDirection() {
    ParetoFitness fastAndSlow = of(measured(100, 50, 10, null));
    ParetoFitness slowButQuick = of(measured(50, 10, 10, null));
    ParetoFitness worseOnBoth = of(measured(40, 60, 10, null));
    assertThat(fastAndSlow.dominance(slowButQuick)).isZero();
    assertThat(slowButQuick.dominance(fastAndSlow)).isZero();
    assertThat(fastAndSlow.dominance(worseOnBoth)).isOne();
    assertThat(slowButQuick.dominance(worseOnBoth)).isOne();
    // The total order agrees with dominance wherever dominance decides.
    assertThat(fastAndSlow.compareTo(worseOnBoth)).isPositive();
    assertThat(slowButQuick.compareTo(worseOnBoth)).isPositive();
    assertThat(fastAndSlow).isEqualTo(of(measured(100, 50, 999, null)));
    assertThat(fastAndSlow).hasSameHashCodeAs(of(measured(100, 50, 999, null)));
  }

  @Test
  void aCompletedTrialWithoutEveryObjectiveCountsAsFailed() {
    Trial noLatency =
        Trial.running("c", 0, Configuration.empty(), false, T0)
            .measured(
                new Measurement(
                    Map.of("throughput_rps", MetricSummary.ofValue(5)), Duration.ofSeconds(1)),
                5,
                Optional.empty(),
                T0);
    assertThat(of(noLatency)).isEqualTo(ParetoFitness.failed());
  }

  private static ParetoFitness of(Trial t) {
    return ParetoFitness.of(t, OBJECTIVES, CONSTRAINTS);
  }

  private static Trial failedTrial() {
    return Trial.running("c", 0, Configuration.empty(), false, T0)
        .ended(TrialStatus.FAILED, "oom", T0);
  }

  private static Trial measured(
      double throughput, double latency, double memory, String violation) {
    Measurement m =
        new Measurement(
            Map.of(
                "throughput_rps", MetricSummary.ofValue(throughput),
                "latency_p95_ms", MetricSummary.ofValue(latency),
                "memory_mb", MetricSummary.ofValue(memory)),
            Duration.ofSeconds(1));
    return Trial.running("c", 0, Configuration.empty(), false, T0)
        .measured(m, throughput, Optional.ofNullable(violation), T0);
  }
}
