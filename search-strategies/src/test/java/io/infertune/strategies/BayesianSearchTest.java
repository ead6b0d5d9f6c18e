package io.infertune.strategies;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.testkit.SearchStrategyContract;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BayesianSearchTest extends SearchStrategyContract {
  private static final SearchSpace SQUARE =
      SearchSpace.of(Parameter.real("x", 0, 1), Parameter.real("y", 0, 1));
  private static final Objective LATENCY = Objective.minimize("latency_p95_ms");
  private static final Objective THROUGHPUT = Objective.maximize("throughput_rps");

  /** Fewer candidates than the defaults: the behaviour tests run hundreds of asks. */
  private static final BayesianSearch.Options QUICK =
      BayesianSearch.Options.builder()
          .candidates(384)
          .neighbours(4, 16)
          .localSearch(2, 6, 10)
          .fit(1, 150)
          .build();

  private static final int SEEDS = 10;

  @Override
  protected SearchStrategy create(StrategyContext context) {
    return new BayesianSearch(context);
  }

  @Test
  void reachesABetterMedianThanRandomSearchOnBraninIn25Trials() {
    double[] bayes = new double[SEEDS];
    double[] random = new double[SEEDS];
    Landscapes.Landscape branin =
        c ->
            Optional.of(
                Map.of("latency_p95_ms", Landscapes.branin(c.getDouble("x"), c.getDouble("y"))));
    for (int seed = 0; seed < SEEDS; seed++) {
      StrategyContext ctx = Landscapes.context(SQUARE, LATENCY, List.of(), seed, 25);
      bayes[seed] =
          Landscapes.bestSoFar(
              Landscapes.run(new BayesianSearch(ctx, QUICK), LATENCY, List.of(), branin, 25),
              LATENCY,
              25);
      random[seed] =
          Landscapes.bestSoFar(
              Landscapes.run(new RandomSearch(ctx), LATENCY, List.of(), branin, 25), LATENCY, 25);
    }
    // Random search's median best of 25 is about 2 (the minimum is 0.398).
    assertThat(Landscapes.median(bayes)).isLessThan(Landscapes.median(random));
    assertThat(Landscapes.median(bayes)).isLessThan(1.0);
  }

  @Test
  void beatsRandomSearchOnAMixedSpaceWithACategorical() {
    SearchSpace space =
        SearchSpace.of(
            Parameter.real("x", 0, 1),
            Parameter.integer("n", 1, 16),
            Parameter.categorical("kind", "a", "b", "c"));
    Map<String, Double> offset = Map.of("a", 1.0, "b", 0.0, "c", 2.0);
    Landscapes.Landscape f =
        c -> {
          double x = c.getDouble("x") - 0.3;
          double n = (c.getLong("n") - 11) / 15.0;
          return Optional.of(
              Map.of(
                  "throughput_rps", 10 - 20 * x * x - 8 * n * n - offset.get(c.getString("kind"))));
        };
    double[] bayes = new double[SEEDS];
    double[] random = new double[SEEDS];
    for (int seed = 0; seed < SEEDS; seed++) {
      StrategyContext ctx = Landscapes.context(space, THROUGHPUT, List.of(), seed, 25);
      bayes[seed] =
          Landscapes.bestSoFar(
              Landscapes.run(new BayesianSearch(ctx, QUICK), THROUGHPUT, List.of(), f, 25),
              THROUGHPUT,
              25);
      random[seed] =
          Landscapes.bestSoFar(
              Landscapes.run(new RandomSearch(ctx), THROUGHPUT, List.of(), f, 25), THROUGHPUT, 25);
    }
    assertThat(Landscapes.median(bayes)).isGreaterThan(Landscapes.median(random));
    assertThat(Landscapes.median(bayes)).isGreaterThan(9.8); // the optimum is 10
  }

  @Test
  void proposesFewerInfeasibleConfigurationsThanRandomSearch() {
    // A high peak in the infeasible corner x + y > 1.2 (a third of the square), a lower one in the
    // feasible region: the constraint, not the objective, must keep the search away.
    Landscapes.Landscape f =
        c -> {
          double x = c.getDouble("x");
          double y = c.getDouble("y");
          double low = Math.exp(-((x - 0.3) * (x - 0.3) + (y - 0.3) * (y - 0.3)) / 0.1);
          double high = 1.5 * Math.exp(-((x - 0.85) * (x - 0.85) + (y - 0.85) * (y - 0.85)) / 0.05);
          return Optional.of(Map.of("throughput_rps", low + high, "latency_p95_ms", x + y));
        };
    List<Constraint> constraints = List.of(Constraint.atMost("latency_p95_ms", 1.2));
    int bayes = 0;
    int random = 0;
    for (int seed = 0; seed < SEEDS; seed++) {
      StrategyContext ctx = Landscapes.context(SQUARE, THROUGHPUT, constraints, seed, 25);
      bayes +=
          infeasibleAfter(
              5, Landscapes.run(new BayesianSearch(ctx, QUICK), THROUGHPUT, constraints, f, 25));
      random +=
          infeasibleAfter(5, Landscapes.run(new RandomSearch(ctx), THROUGHPUT, constraints, f, 25));
    }
    // Random search proposes about 32 % infeasible: some 64 of the 200 trials after the design.
    assertThat(bayes).isLessThan(random / 2);
  }

  @Test
  void learnsToAvoidTheRegionWhereTrialsFail() {
    // Everything with x > 0.65 crashes; the objective's peak is in the region that works.
    Landscapes.Landscape f =
        c -> {
          double x = c.getDouble("x");
          double y = c.getDouble("y");
          if (x > 0.65) {
            return Optional.empty();
          }
          return Optional.of(
              Map.of("throughput_rps", 1 - (x - 0.3) * (x - 0.3) - (y - 0.6) * (y - 0.6)));
        };
    int bayes = 0;
    int random = 0;
    for (int seed = 0; seed < SEEDS; seed++) {
      StrategyContext ctx = Landscapes.context(SQUARE, THROUGHPUT, List.of(), seed, 25);
      bayes +=
          failedAfter(
              5, Landscapes.run(new BayesianSearch(ctx, QUICK), THROUGHPUT, List.of(), f, 25));
      random += failedAfter(5, Landscapes.run(new RandomSearch(ctx), THROUGHPUT, List.of(), f, 25));
    }
    // Random search fails 35 % of the time: some 70 of the 200 trials after the design.
    assertThat(bayes).isLessThan(random / 2);
  }

  @Test
  void aBatchByTheKrigingBelieverIsDistinctAndSpread() {
    Landscapes.Landscape f =
        c ->
            Optional.of(
                Map.of("latency_p95_ms", Landscapes.branin(c.getDouble("x"), c.getDouble("y"))));
    for (int seed = 0; seed < 3; seed++) {
      BayesianSearch s =
          new BayesianSearch(Landscapes.context(SQUARE, LATENCY, List.of(), seed, 40), QUICK);
      Landscapes.run(s, LATENCY, List.of(), f, 12);
      List<Configuration> batch = s.ask(5);
      assertThat(batch).hasSize(5);
      assertThat(new HashSet<>(batch)).hasSize(5);
      double closest = Double.POSITIVE_INFINITY;
      for (int i = 0; i < batch.size(); i++) {
        for (int j = 0; j < i; j++) {
          double dx = batch.get(i).getDouble("x") - batch.get(j).getDouble("x");
          double dy = batch.get(i).getDouble("y") - batch.get(j).getDouble("y");
          closest = Math.min(closest, Math.hypot(dx, dy));
        }
      }
      // Without the believer, all five would crowd around the one best point (a local search's
      // neighbours, a few thousandths apart).
      assertThat(closest).as("closest pair, seed %d", seed).isGreaterThan(0.02);
    }
  }

  @Test
  void stateReportsALongerLengthScaleForTheParameterThatDoesNotMatter() {
    Landscapes.Landscape f =
        c -> Optional.of(Map.of("throughput_rps", Math.sin(6 * c.getDouble("x"))));
    int longer = 0;
    for (int seed = 0; seed < 3; seed++) {
      BayesianSearch s =
          new BayesianSearch(Landscapes.context(SQUARE, THROUGHPUT, List.of(), seed, 20), QUICK);
      Landscapes.run(s, THROUGHPUT, List.of(), f, 20);
      Map<String, Object> state = s.state();
      assertThat(state)
          .containsEntry("told", 20)
          .containsEntry("asked", 20)
          .containsEntry("phase", "model")
          .containsKeys("incumbent", "lastAcquisition", "noiseVariance", "lengthScales");
      @SuppressWarnings("unchecked")
      Map<String, Double> scales = (Map<String, Double>) state.get("lengthScales");
      longer += scales.get("y") > 2 * scales.get("x") ? 1 : 0;
    }
    assertThat(longer).isGreaterThanOrEqualTo(2);
  }

  @Test
  void trialsToldFromOutsideCountTowardsTheInitialDesign() {
    StrategyContext ctx = Landscapes.context(SQUARE, THROUGHPUT, List.of(), 1, 30);
    BayesianSearch s = new BayesianSearch(ctx, QUICK);
    assertThat(s.state())
        .containsEntry("phase", "initial-design")
        .containsEntry("initialDesign", 5);
    for (int i = 0; i < 5; i++) {
      Configuration c = Configuration.of("x", 0.1 + 0.2 * i, "y", 0.5);
      s.tell(
          Landscapes.measure(
              i,
              c,
              THROUGHPUT,
              List.of(),
              k -> Optional.of(Map.of("throughput_rps", k.getDouble("x")))));
    }
    assertThat(s.state()).containsEntry("phase", "model");
    assertThat(s.ask(1)).hasSize(1);
    assertThat(s.state()).containsKey("lastAcquisition");
  }

  private static int infeasibleAfter(int design, List<Trial> trials) {
    return (int)
        trials.stream().skip(design).filter(t -> t.status() == TrialStatus.INFEASIBLE).count();
  }

  private static int failedAfter(int design, List<Trial> trials) {
    return (int) trials.stream().skip(design).filter(t -> t.status() == TrialStatus.FAILED).count();
  }
}
