package io.infertune.tuner.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The {@link SearchStrategy} contract. Every strategy's test extends this class and says how to
 * build the strategy under test.
 */
public abstract class SearchStrategyContract {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** The strategy under test for {@code context}. */
  protected abstract SearchStrategy create(StrategyContext context);

  /** A mixed space with a conditional parameter: 4 x (1 + 3) x 5 = 80 configurations. */
  protected SearchSpace mixedSpace() {
    return SearchSpace.of(
        Parameter.ordinal("batch_size", 1, 4, 16, 64),
        Parameter.categorical("quantization", "fp32", "int8"),
        Parameter.categorical("kv_cache_dtype", "auto", "fp8", "int8").when("quantization", "int8"),
        Parameter.integer("threads", 1, 5));
  }

  /** A small finite space of 6 points. */
  protected SearchSpace smallSpace() {
    return SearchSpace.of(
        Parameter.ordinal("batch_size", 1, 8, 64), Parameter.categorical("q", "fp32", "int8"));
  }

  protected StrategyContext context(SearchSpace space, long seed, int maxTrials) {
    return new StrategyContext(
        space, Objective.maximize("throughput_rps"), List.of(), seed, maxTrials);
  }

  /** A synthetic objective: the strategies see it only through told trials. */
  protected double score(Configuration c) {
    double s = 0;
    for (var e : c.values().entrySet()) {
      s += Math.abs(e.getValue().hashCode() % 97) / 97.0;
    }
    return s;
  }

  protected Trial completed(String campaign, int number, Configuration c, double value) {
    Measurement m =
        new Measurement(
            Map.of("throughput_rps", MetricSummary.ofValue(value)), Duration.ofSeconds(1));
    return Trial.running(campaign, number, c, false, T0).measured(m, value, Optional.empty(), T0);
  }

  protected Trial failed(String campaign, int number, Configuration c) {
    return Trial.running(campaign, number, c, false, T0).ended(TrialStatus.FAILED, "crash", T0);
  }

  /** Runs ask/tell for {@code trials} rounds; returns the asked configurations. */
  protected List<Configuration> drive(SearchStrategy s, int trials) {
    List<Configuration> asked = new ArrayList<>();
    for (int i = 0; i < trials; i++) {
      List<Configuration> batch = s.ask(1);
      if (batch.isEmpty()) {
        break;
      }
      Configuration c = batch.get(0);
      asked.add(c);
      s.tell(completed("c", i, c, score(c)));
    }
    return asked;
  }

  @Test
  void asksLieInTheSpaceAndRespectConditions() {
    SearchSpace space = mixedSpace();
    SearchStrategy s = create(context(space, 7, 40));
    for (Configuration c : drive(s, 40)) {
      assertThat(space.contains(c)).as("%s in space", c).isTrue();
      boolean int8 = c.getString("quantization").equals("int8");
      assertThat(c.contains("kv_cache_dtype")).as("condition of %s", c).isEqualTo(int8);
    }
  }

  @Test
  void sameSeedGivesTheSameSequence() {
    List<Configuration> a = drive(create(context(mixedSpace(), 42, 25)), 25);
    List<Configuration> b = drive(create(context(mixedSpace(), 42, 25)), 25);
    assertThat(a).isNotEmpty().isEqualTo(b);
  }

  @Test
  void noDuplicateAsksWhileUnvisitedPointsRemain() {
    SearchSpace space = smallSpace();
    SearchStrategy s = create(context(space, 3, 6));
    List<Configuration> asked = drive(s, 6);
    assertThat(asked).hasSize(6);
    assertThat(new HashSet<>(asked)).hasSize(6);
  }

  @Test
  void acceptsTrialsItNeverProposed() {
    SearchSpace space = smallSpace();
    SearchStrategy s = create(context(space, 5, 6));
    Configuration foreign = Configuration.of("batch_size", 8, "q", "int8");
    // A warm start from history, with a knob outside the space as a full runtime config has.
    s.tell(completed("old", 0, foreign.with("replicas", 2), 10.0));
    s.tell(completed("old", 1, Configuration.of("batch_size", 1, "q", "fp32"), 1.0));
    Set<Configuration> asked = new HashSet<>(drive(s, 4));
    assertThat(asked).hasSize(4).doesNotContain(foreign);
  }

  @Test
  void handlesFailedAndInfeasibleTrials() {
    SearchSpace space = mixedSpace();
    SearchStrategy s = create(context(space, 11, 20));
    for (int i = 0; i < 20; i++) {
      List<Configuration> batch = s.ask(1);
      assertThat(batch).hasSize(1);
      Configuration c = batch.get(0);
      Trial t =
          i % 3 == 0
              ? failed("c", i, c)
              : (i % 3 == 1
                  ? completed("c", i, c, score(c))
                  : Trial.running("c", i, c, false, T0)
                      .measured(
                          new Measurement(
                              Map.of("throughput_rps", MetricSummary.ofValue(1)),
                              Duration.ofSeconds(1)),
                          1,
                          Optional.of("latency too high"),
                          T0));
      assertThatCode(() -> s.tell(t)).doesNotThrowAnyException();
    }
  }

  /** A trial stopped early with its partial measurement (see {@link TrialStatus#PRUNED}). */
  protected Trial pruned(String campaign, int number, Configuration c, double partialValue) {
    Measurement m =
        new Measurement(
            Map.of("throughput_rps", MetricSummary.ofValue(partialValue)), Duration.ofSeconds(1));
    return Trial.running(campaign, number, c, false, T0)
        .pruned(m, partialValue, "pruned: throughput_rps below incumbent", T0);
  }

  @Test
  void handlesPrunedTrialsAndRemeasurementsAndDoesNotAskPrunedPointsAgain() {
    SearchSpace space = smallSpace();
    SearchStrategy s = create(context(space, 13, 6));
    Configuration best = Configuration.of("batch_size", 64, "q", "int8");
    Configuration loser = Configuration.of("batch_size", 1, "q", "fp32");
    s.tell(completed("c", 0, best, 10.0));
    s.tell(pruned("c", 1, loser, 0.5));
    // The incumbent measured again, as the campaign runner does now and then.
    s.tell(completed("c", 2, best, 9.5));
    List<Configuration> asked = drive(s, 4);
    assertThat(asked).hasSize(4).doesNotContain(best, loser).doesNotHaveDuplicates();
    for (Configuration c : asked) {
      assertThat(space.contains(c)).isTrue();
    }
  }

  @Test
  void prunedTrialsAmongOthersAreAccepted() {
    SearchSpace space = mixedSpace();
    SearchStrategy s = create(context(space, 17, 20));
    for (int i = 0; i < 20; i++) {
      List<Configuration> batch = s.ask(1);
      assertThat(batch).hasSize(1);
      Configuration c = batch.get(0);
      Trial t = i % 2 == 0 ? pruned("c", i, c, score(c) / 2) : completed("c", i, c, score(c));
      assertThatCode(() -> s.tell(t)).doesNotThrowAnyException();
    }
  }

  @Test
  void batchAsksAreDistinct() {
    SearchStrategy s = create(context(mixedSpace(), 9, 30));
    List<Configuration> batch = s.ask(5);
    assertThat(batch).hasSize(5);
    assertThat(new HashSet<>(batch)).hasSize(5);
  }
}
