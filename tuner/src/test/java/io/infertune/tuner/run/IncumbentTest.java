package io.infertune.tuner.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IncumbentTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Objective MAX = Objective.maximize("throughput_rps");
  private static final Configuration A = Configuration.of("batch_size", 16);
  private static final Configuration B = Configuration.of("batch_size", 4);

  private final List<Trial> trials = new ArrayList<>();

  private void add(Configuration c, double value, TrialStatus status) {
    Trial running = Trial.running("c", trials.size(), c, trials.isEmpty(), T0);
    Measurement m =
        new Measurement(
            Map.of("throughput_rps", MetricSummary.ofValue(value)), Duration.ofSeconds(1));
    trials.add(
        switch (status) {
          case COMPLETED -> running.measured(m, value, Optional.empty(), T0);
          case INFEASIBLE -> running.measured(m, value, Optional.of("too slow"), T0);
          case PRUNED -> running.pruned(m, value, "pruned", T0);
          default -> running.ended(status, "crash", T0);
        });
  }

  @Test
  void theBestConfigurationByItsLatestMeasurementIsTheReference() {
    add(A, 800, TrialStatus.COMPLETED);
    add(B, 700, TrialStatus.COMPLETED);
    assertThat(Incumbent.of(trials, MAX).orElseThrow().value()).isEqualTo(800);
    add(A, 600, TrialStatus.COMPLETED); // A re-measured on a slower machine
    Incumbent inc = Incumbent.of(trials, MAX).orElseThrow();
    assertThat(inc.trial().number()).isEqualTo(1);
    assertThat(inc.value()).isEqualTo(700);
  }

  @Test
  void aConfigurationWhoseLatestMeasurementIsInfeasibleIsNoReference() {
    add(A, 800, TrialStatus.COMPLETED);
    add(A, 820, TrialStatus.INFEASIBLE);
    assertThat(Incumbent.of(trials, MAX)).isEmpty();
  }

  @Test
  void prunedAndFailedTrialsNeitherBecomeNorReplaceTheReference() {
    add(A, 800, TrialStatus.COMPLETED);
    add(B, 900, TrialStatus.PRUNED);
    add(A, 0, TrialStatus.FAILED);
    assertThat(Incumbent.of(trials, MAX).orElseThrow().trial().number()).isZero();
  }

  @Test
  void aRemeasurementIsDueAfterEveryNTrialsSinceTheIncumbentsLatestMeasurement() {
    add(A, 800, TrialStatus.COMPLETED);
    add(B, 100, TrialStatus.PRUNED);
    assertThat(Incumbent.dueForRemeasurement(trials, MAX, 2)).isEmpty();
    add(B, 0, TrialStatus.FAILED);
    assertThat(Incumbent.dueForRemeasurement(trials, MAX, 2)).isPresent();
    assertThat(Incumbent.dueForRemeasurement(trials, MAX, 0)).isEmpty();
    add(A, 790, TrialStatus.COMPLETED);
    assertThat(Incumbent.dueForRemeasurement(trials, MAX, 2)).isEmpty();
  }
}
