package io.infertune.strategies;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Direction;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.trial.Trial;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A PRUNED trial is judged by its partial measurement: feasible-but-worse, or infeasible. */
class PrunedTrialFitnessTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final List<Constraint> CONSTRAINTS = List.of(Constraint.atLeast("accuracy", 0.98));
  private static final Configuration C = Configuration.of("batch_size", 4);

  private static Measurement m(double rps, double accuracy) {
    return new Measurement(
        Map.of(
            "throughput_rps", MetricSummary.ofValue(rps),
            "accuracy", MetricSummary.ofValue(accuracy)),
        Duration.ofSeconds(3));
  }

  private static Trial pruned(double rps, double accuracy) {
    return Trial.running("c", 1, C, false, T0).pruned(m(rps, accuracy), rps, "pruned", T0);
  }

  private static Trial completed(double rps) {
    return Trial.running("c", 2, C, false, T0).measured(m(rps, 1), rps, Optional.empty(), T0);
  }

  private static Trial infeasible(double rps, double accuracy) {
    return Trial.running("c", 3, C, false, T0)
        .measured(m(rps, accuracy), rps, Optional.of("accuracy"), T0);
  }

  private static GeneticFitness genetic(Trial t) {
    return GeneticFitness.of(t, Direction.MAXIMIZE, CONSTRAINTS);
  }

  @Test
  void geneticSearchRanksAnObjectivePrunedTrialAsAMeasuredPointWithItsPartialValue() {
    assertThat(genetic(pruned(200, 1)).tier()).isEqualTo(GeneticFitness.FEASIBLE);
    assertThat(genetic(pruned(200, 1))).isLessThan(genetic(completed(300)));
    assertThat(genetic(pruned(200, 1))).isGreaterThan(genetic(completed(100)));
  }

  @Test
  void geneticSearchRanksAConstraintPrunedTrialAsInfeasibleByItsViolation() {
    assertThat(genetic(pruned(900, 0.9)).tier()).isEqualTo(GeneticFitness.INFEASIBLE);
    assertThat(genetic(pruned(900, 0.9))).isEqualByComparingTo(genetic(infeasible(900, 0.9)));
  }

  @Test
  void paretoFitnessTreatsPrunedTrialsTheSameWay() {
    List<Objective> objectives = List.of(Objective.maximize("throughput_rps"));
    ParetoFitness worse = ParetoFitness.of(pruned(200, 1), objectives, CONSTRAINTS);
    ParetoFitness better = ParetoFitness.of(completed(300), objectives, CONSTRAINTS);
    ParetoFitness violating = ParetoFitness.of(pruned(900, 0.9), objectives, CONSTRAINTS);
    assertThat(better.dominance(worse)).isOne();
    assertThat(worse.dominance(violating)).isOne();
    assertThat(violating.dominance(ParetoFitness.failed())).isOne();
  }
}
