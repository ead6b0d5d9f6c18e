package io.infertune.strategies.moo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
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

class HypervolumeTest {
  private static final List<Objective> MIN_MIN =
      List.of(Objective.minimize("zdt_f1"), Objective.minimize("zdt_f2"));
  private static final List<Objective> SERVING =
      List.of(Objective.maximize("throughput_rps"), Objective.minimize("latency_p95_ms"));

  @Test
  void aStaircaseOfNonDominatedPointsIsTheUnionOfTheirBoxes() {
    double[] ref = {4, 4};
    assertThat(Hypervolume.of(List.of(new double[] {1, 1}), MIN_MIN, ref)).isEqualTo(9);
    // (1,3), (2,2), (3,1): strips of 3·1, 2·1 and 1·1.
    List<double[]> stairs = List.of(new double[] {1, 3}, new double[] {2, 2}, new double[] {3, 1});
    assertThat(Hypervolume.of(stairs, MIN_MIN, ref)).isEqualTo(6);
  }

  @Test
  void dominatedAndOutOfReferencePointsAddNothing() {
    double[] ref = {4, 4};
    List<double[]> front = List.of(new double[] {1, 3}, new double[] {3, 1});
    double base = Hypervolume.of(front, MIN_MIN, ref);
    List<double[]> more =
        List.of(
            new double[] {1, 3},
            new double[] {3, 1},
            new double[] {3, 3}, // dominated
            new double[] {1, 3}, // a copy
            new double[] {0, 5}, // beyond the reference on f2
            new double[] {4, 0}); // on the reference's f1: no width
    assertThat(Hypervolume.of(more, MIN_MIN, ref)).isEqualTo(base).isEqualTo(5);
    assertThat(Hypervolume.of(List.of(), MIN_MIN, ref)).isZero();
  }

  @Test
  void honoursEachObjectivesDirectionAndCountsFeasibleTrialsOnly() {
    // Throughput above 100 and latency below 50: (300, 20) dominates 200 × 30.
    double[] ref = {100, 50};
    assertThat(Hypervolume.of(List.of(new double[] {300, 20}), SERVING, ref)).isEqualTo(6000);
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    Trial feasible = trial(0, 300, 20, Optional.empty());
    Trial infeasible = trial(1, 1000, 1, Optional.of("memory"));
    Trial failed =
        Trial.running("c", 2, Configuration.empty(), false, t0)
            .ended(TrialStatus.FAILED, "oom", t0);
    assertThat(Hypervolume.ofTrials(List.of(feasible, infeasible, failed), SERVING, ref))
        .isCloseTo(6000, within(1e-9));
  }

  @Test
  void rejectsOtherThanTwoObjectivesAndABadReference() {
    assertThatThrownBy(
            () -> Hypervolume.of(List.of(), List.of(MIN_MIN.get(0)), new double[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two objectives");
    assertThatThrownBy(() -> Hypervolume.of(List.of(), MIN_MIN, new double[] {1, Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Hypervolume.of(List.of(new double[] {1}), MIN_MIN, new double[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Trial trial(int n, double throughput, double latency, Optional<String> why) {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    Measurement m =
        new Measurement(
            Map.of(
                "throughput_rps", MetricSummary.ofValue(throughput),
                "latency_p95_ms", MetricSummary.ofValue(latency)),
            Duration.ofSeconds(1));
    return Trial.running("c", n, Configuration.empty(), false, t0).measured(m, throughput, why, t0);
  }
}
