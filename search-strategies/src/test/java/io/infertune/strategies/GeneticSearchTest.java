package io.infertune.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Direction;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.testkit.SearchStrategyContract;
import io.infertune.tuner.trial.Trial;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GeneticSearchTest extends SearchStrategyContract {
  private static final Objective THROUGHPUT = Objective.maximize("throughput_rps");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final int SEEDS = 10;

  /** Every strategy a test created, closed after it: no engine thread may outlive its test. */
  private final List<GeneticSearch> created = new ArrayList<>();

  @Override
  protected SearchStrategy create(StrategyContext context) {
    return track(new GeneticSearch(context));
  }

  private GeneticSearch track(GeneticSearch s) {
    created.add(s);
    return s;
  }

  @AfterEach
  void closeEveryStrategyAndCheckItsThreadEnded() {
    for (GeneticSearch s : created) {
      s.close();
      s.engineThread()
          .ifPresent(t -> assertThat(t.isAlive()).as("%s after close", t.getName()).isFalse());
    }
  }

  @Test
  void beatsRandomSearchIn50TrialsOnASmoothFunction() {
    // A shifted sphere on a 3-D space with an integer and a log-scaled real.
    SearchSpace space =
        SearchSpace.of(
            Parameter.real("x", 0, 1),
            Parameter.logReal("lr", 1e-4, 1),
            Parameter.integer("n", 1, 64));
    Landscapes.Landscape f =
        c -> {
          double x = c.getDouble("x") - 0.7;
          double lr = (Math.log10(c.getDouble("lr")) + 2.5) / 4;
          double n = (c.getLong("n") - 40) / 64.0;
          return Optional.of(Map.of("throughput_rps", 10 - 10 * (x * x + lr * lr + n * n)));
        };
    double[] genetic = new double[SEEDS];
    double[] random = new double[SEEDS];
    for (int seed = 0; seed < SEEDS; seed++) {
      StrategyContext ctx = Landscapes.context(space, THROUGHPUT, List.of(), seed, 50);
      genetic[seed] =
          Landscapes.bestSoFar(
              Landscapes.run(track(new GeneticSearch(ctx)), THROUGHPUT, List.of(), f, 50),
              THROUGHPUT,
              50);
      random[seed] =
          Landscapes.bestSoFar(
              Landscapes.run(new RandomSearch(ctx), THROUGHPUT, List.of(), f, 50), THROUGHPUT, 50);
    }
    // Regret against the optimum, 10: measured 0.04 for genetic, 0.28 for random.
    assertThat(10 - Landscapes.median(genetic)).isLessThan(0.5 * (10 - Landscapes.median(random)));
  }

  @Test
  void closingEndsTheEngineThreadAndRefusesFurtherAsks() throws InterruptedException {
    GeneticSearch s = new GeneticSearch(context(mixedSpace(), 1, 30));
    assertThat(s.engineThread()).isEmpty();
    List<Configuration> batch = s.ask(3);
    assertThat(batch).hasSize(3);
    Thread engine = s.engineThread().orElseThrow();
    assertThat(engine.isDaemon()).isTrue();
    assertThat(engine.isAlive()).isTrue();
    // Pending evaluations: the engine thread is blocked waiting for them.
    s.close();
    assertThat(engine.isAlive()).isFalse();
    s.close(); // idempotent
    assertThatThrownBy(() -> s.ask(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anUnreachableStrategyIsClosedByTheCleaner() throws InterruptedException {
    Thread engine = startAndDrop();
    // Liveness, not timing: wait (up to a generous bound) for the collector and the cleaner.
    for (int i = 0; i < 200 && engine.isAlive(); i++) {
      System.gc();
      engine.join(50);
    }
    assertThat(engine.isAlive()).isFalse();
  }

  private Thread startAndDrop() {
    GeneticSearch s = new GeneticSearch(context(mixedSpace(), 2, 30));
    s.ask(2);
    return s.engineThread().orElseThrow();
  }

  @Test
  void exhaustsASmallSpaceWithoutRepeatsThenAsksNothing() {
    GeneticSearch s = track(new GeneticSearch(context(smallSpace(), 4, 100)));
    List<Configuration> asked = drive(s, 10);
    assertThat(asked).hasSize(6).doesNotHaveDuplicates().allMatch(smallSpace()::contains);
    assertThat(s.ask(1)).isEmpty();
  }

  @Test
  void aBatchLargerThanAGenerationIsFilledWithDistinctConfigurations() {
    GeneticSearch s = track(new GeneticSearch(context(mixedSpace(), 5, 30)));
    List<Configuration> batch = s.ask(20);
    assertThat(batch).hasSize(20).allMatch(mixedSpace()::contains);
    assertThat(new HashSet<>(batch)).hasSize(20);
    assertThat(s.state())
        .containsEntry("populationSize", 6)
        .containsEntry("asked", 20)
        .containsKey("fills");
  }

  @Test
  void warmStartTrialsSeedThePopulationAndAnswerIdenticalPhenotypes() {
    SearchSpace space = mixedSpace();
    GeneticSearch s = track(new GeneticSearch(context(space, 6, 60)));
    List<Configuration> history = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Configuration c = space.fromUnit(new double[] {i / 12.0, (i % 2) * 0.9, 0.5, 0.1 * i % 1});
      if (!history.contains(c)) {
        history.add(c);
        s.tell(completed("old", i, c, score(c)));
      }
    }
    List<Configuration> asked = drive(s, 30);
    assertThat(asked).doesNotContainAnyElementsOf(history).doesNotHaveDuplicates();
    assertThat(s.state()).containsEntry("told", history.size() + 30);
  }

  @Test
  void fitnessFollowsTheFeasibilityRules() {
    List<Constraint> constraints = List.of(Constraint.atMost("latency_p95_ms", 10));
    GeneticFitness feasibleLow = fitness(1, 5, null, constraints);
    GeneticFitness feasibleHigh = fitness(2, 5, null, constraints);
    GeneticFitness slightlyOver = fitness(100, 11, "latency", constraints);
    GeneticFitness farOver = fitness(100, 30, "latency", constraints);
    GeneticFitness failed =
        GeneticFitness.of(
            Trial.running("c", 0, Configuration.empty(), false, T0)
                .ended(io.infertune.tuner.trial.TrialStatus.FAILED, "oom", T0),
            Direction.MAXIMIZE,
            constraints);
    assertThat(List.of(failed, farOver, slightlyOver, feasibleLow, feasibleHigh))
        .isSortedAccordingTo(GeneticFitness::compareTo);
    assertThat(slightlyOver.primary())
        .isEqualTo(-0.1, org.assertj.core.api.Assertions.within(1e-12));
  }

  private static GeneticFitness fitness(
      double throughput, double latency, String violation, List<Constraint> constraints) {
    Measurement m =
        new Measurement(
            Map.of(
                "throughput_rps",
                MetricSummary.ofValue(throughput),
                "latency_p95_ms",
                MetricSummary.ofValue(latency)),
            Duration.ofSeconds(1));
    Trial t =
        Trial.running("c", 0, Configuration.empty(), false, T0)
            .measured(m, throughput, Optional.ofNullable(violation), T0);
    return GeneticFitness.of(t, Direction.MAXIMIZE, constraints);
  }
}
