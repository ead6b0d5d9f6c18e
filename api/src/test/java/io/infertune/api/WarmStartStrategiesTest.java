package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An earlier trial as a warm-started strategy hears it: re-scored under the new campaign's
 * objective and constraints, and only when the new campaign could have applied its configuration.
 */
class WarmStartStrategiesTest {
  private static final Instant T = Instant.parse("2026-03-28T03:00:00Z");

  /** batch_size is tuned; cache only when batching; threads stay as the runtime has them. */
  private static final SearchSpace SPACE =
      SearchSpace.of(
          Parameter.ordinal("batch_size", 1, 8, 32),
          Parameter.integer("cache_entries", 0, 1000).when("batch_size", 8, 32));

  private static final Configuration FIXED =
      Configuration.of("batch_size", 1, "threads", 2, "cache_entries", 0);

  private static StrategyContext context(Objective objective, List<Constraint> constraints) {
    return new StrategyContext(SPACE, objective, constraints, 1, 10);
  }

  private static Trial measured(Configuration c, Map<String, Double> values) {
    Map<String, MetricSummary> summaries = new java.util.TreeMap<>();
    values.forEach((k, v) -> summaries.put(k, MetricSummary.ofValue(v)));
    return Trial.running("old", 3, c, false, T)
        .measured(
            new Measurement(summaries, Duration.ofSeconds(5)),
            values.get("throughput_rps"),
            Optional.empty(),
            T.plusSeconds(9));
  }

  @Test
  void aTrialIsReScoredUnderTheNewObjectiveAndConstraints() {
    Trial old =
        measured(
            Configuration.of("batch_size", 8, "threads", 2, "cache_entries", 100),
            Map.of("throughput_rps", 400.0, "latency_p95_ms", 35.0, "accuracy", 0.97));

    Trial forLatency =
        WarmStartStrategies.asTold(
                old, context(Objective.minimize("latency_p95_ms"), List.of()), FIXED)
            .orElseThrow();
    assertThat(forLatency.status()).isEqualTo(TrialStatus.COMPLETED);
    assertThat(forLatency.objectiveValue()).hasValue(35.0);
    assertThat(forLatency.id()).isEqualTo(old.id());

    Trial constrained =
        WarmStartStrategies.asTold(
                old,
                context(
                    Objective.maximize("throughput_rps"),
                    List.of(Constraint.atLeast("accuracy", 0.98))),
                FIXED)
            .orElseThrow();
    assertThat(constrained.status()).isEqualTo(TrialStatus.INFEASIBLE);
    assertThat(constrained.objectiveValue()).hasValue(400.0);
    assertThat(constrained.reason().orElseThrow()).contains("accuracy");

    assertThat(
            WarmStartStrategies.asTold(
                old, context(Objective.maximize("cache_hit_rate"), List.of()), FIXED))
        .as("the new objective was not measured")
        .isEmpty();
  }

  @Test
  void onlyConfigurationsTheNewCampaignCouldApplyAreTold() {
    Objective throughput = Objective.maximize("throughput_rps");
    Map<String, Double> values = Map.of("throughput_rps", 100.0);
    // Inside: a conditional knob that is inactive here may hold any value.
    Trial inactive =
        measured(Configuration.of("batch_size", 1, "threads", 2, "cache_entries", 500), values);
    // Outside: a value out of the new range; another fixed knob; a knob the space lacks.
    Trial outOfRange =
        measured(Configuration.of("batch_size", 64, "threads", 2, "cache_entries", 0), values);
    Trial otherThreads =
        measured(Configuration.of("batch_size", 8, "threads", 4, "cache_entries", 0), values);
    Trial noBatch = measured(Configuration.of("threads", 2, "cache_entries", 0), values);

    StrategyContext ctx = context(throughput, List.of());
    assertThat(WarmStartStrategies.asTold(inactive, ctx, FIXED)).isPresent();
    assertThat(WarmStartStrategies.asTold(outOfRange, ctx, FIXED)).isEmpty();
    assertThat(WarmStartStrategies.asTold(otherThreads, ctx, FIXED)).isEmpty();
    assertThat(WarmStartStrategies.asTold(noBatch, ctx, FIXED)).isEmpty();
  }

  @Test
  void failedTrialsAreToldAsTheyAreAndAbortedOnesNot() {
    Configuration c = Configuration.of("batch_size", 32, "threads", 2, "cache_entries", 10);
    Trial failed = Trial.running("old", 1, c, false, T).ended(TrialStatus.FAILED, "oom", T);
    Trial aborted = Trial.running("old", 2, c, false, T).ended(TrialStatus.ABORTED, "stop", T);
    StrategyContext ctx = context(Objective.maximize("throughput_rps"), List.of());
    assertThat(WarmStartStrategies.asTold(failed, ctx, FIXED)).contains(failed);
    assertThat(WarmStartStrategies.asTold(aborted, ctx, FIXED)).isEmpty();
    assertThat(WarmStartStrategies.asTold(Trial.running("old", 3, c, false, T), ctx, FIXED))
        .isEmpty();
  }
}
