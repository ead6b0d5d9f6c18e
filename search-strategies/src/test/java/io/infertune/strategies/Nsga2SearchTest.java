package io.infertune.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.strategies.moo.Hypervolume;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.objective.ParetoFront;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.testkit.SearchStrategyContract;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class Nsga2SearchTest extends SearchStrategyContract {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final List<Objective> ZDT =
      List.of(Objective.minimize("zdt_f1"), Objective.minimize("zdt_f2"));
  private static final List<Objective> SERVING =
      List.of(Objective.maximize("throughput_rps"), Objective.minimize("latency_p95_ms"));
  private static final int SEEDS = 5;

  /** Every strategy a test created, closed after it: no engine thread may outlive its test. */
  private final List<Nsga2Search> created = new ArrayList<>();

  @Override
  protected SearchStrategy create(StrategyContext context) {
    return track(new Nsga2Search(context));
  }

  private Nsga2Search track(Nsga2Search s) {
    created.add(s);
    return s;
  }

  @AfterEach
  void closeEveryStrategyAndCheckItsThreadEnded() {
    for (Nsga2Search s : created) {
      s.close();
      s.engineThread()
          .ifPresent(t -> assertThat(t.isAlive()).as("%s after close", t.getName()).isFalse());
    }
  }

  /** The contract again, in the context nsga2 is for: throughput against p95 latency. */
  @Nested
  class WithTwoObjectives extends SearchStrategyContract {
    @Override
    protected SearchStrategy create(StrategyContext context) {
      assertThat(context.multiObjective()).isTrue();
      return track(new Nsga2Search(context));
    }

    @Override
    protected StrategyContext context(SearchSpace space, long seed, int maxTrials) {
      return new StrategyContext(space, SERVING, List.of(), seed, maxTrials);
    }

    /** Latency that trades off against the synthetic throughput {@code value}. */
    @Override
    protected Trial completed(String campaign, int number, Configuration c, double value) {
      Measurement m =
          new Measurement(
              Map.of(
                  "throughput_rps",
                  MetricSummary.ofValue(value),
                  "latency_p95_ms",
                  MetricSummary.ofValue(10 + 5 * value + c.hashCode() % 7)),
              Duration.ofSeconds(1));
      return Trial.running(campaign, number, c, false, T0).measured(m, value, Optional.empty(), T0);
    }
  }

  /** ZDT1 (Zitzler, Deb and Thiele, 2000) on {@code d} unit reals: front f2 = 1 − √f1 at g = 1. */
  private static SearchSpace zdtSpace(int d) {
    Parameter[] p = new Parameter[d];
    for (int i = 0; i < d; i++) {
      p[i] = Parameter.real("x" + i, 0, 1);
    }
    return SearchSpace.of(p);
  }

  private static Map<String, Double> zdt1(Configuration c, int d) {
    double f1 = c.getDouble("x0");
    double s = 0;
    for (int i = 1; i < d; i++) {
      s += c.getDouble("x" + i);
    }
    double g = 1 + 9 * s / (d - 1);
    return Map.of("zdt_f1", f1, "zdt_f2", g * (1 - Math.sqrt(f1 / g)));
  }

  @Test
  void itsFrontOnZdt1DominatesMoreThanRandomSearchsAndIsSpread() {
    int d = 4;
    int budget = 100;
    // The worst corner that matters: f1 = 1 and f2 = 3 (random points average f2 ≈ 4.6). The
    // ideal front dominates 3 − 1/3 ≈ 2.67 of it.
    double[] reference = {1, 3};
    Landscapes.Landscape f = c -> Optional.of(zdt1(c, d));
    double[] nsga2 = new double[SEEDS];
    double[] random = new double[SEEDS];
    int wins = 0;
    for (int seed = 0; seed < SEEDS; seed++) {
      StrategyContext ctx = new StrategyContext(zdtSpace(d), ZDT, List.of(), seed, budget);
      Nsga2Search s = track(new Nsga2Search(ctx));
      Landscapes.run(s, ZDT.get(0), List.of(), f, budget);
      List<Trial> front = s.front();
      nsga2[seed] = Hypervolume.ofTrials(front, ZDT, reference);
      random[seed] =
          Hypervolume.ofTrials(
              Landscapes.run(new RandomSearch(ctx), ZDT.get(0), List.of(), f, budget),
              ZDT,
              reference);
      wins += nsga2[seed] > random[seed] ? 1 : 0;
      // Spread along the trade-off, not one point: several points covering much of f1's range.
      double[] f1 = front.stream().mapToDouble(t -> value(t, "zdt_f1")).sorted().toArray();
      assertThat(f1.length).as("front size, seed %d", seed).isGreaterThanOrEqualTo(4);
      assertThat(f1[f1.length - 1] - f1[0]).as("f1 range, seed %d", seed).isGreaterThan(0.5);
      assertThat(s.state()).containsEntry("frontSize", front.size());
    }
    // Measured (seeds 0-4): nsga2 2.02 1.74 2.34 2.24 2.34, random 1.49 1.77 1.28 1.12 1.49;
    // medians 2.24 and 1.49. Most seeds, not all: in one, random search's draws were lucky.
    assertThat(wins).isGreaterThan(SEEDS / 2);
    assertThat(Landscapes.median(nsga2)).isGreaterThan(1.3 * Landscapes.median(random));
  }

  @Test
  void learnsToAvoidACrashingAndAnInfeasibleRegion() {
    int d = 4;
    int budget = 100;
    // x1 > 0.7 crashes (no measurement); x2 > 0.5 measures but needs too much memory.
    List<Constraint> constraints = List.of(Constraint.atMost("memory_mb", 500));
    Landscapes.Landscape f =
        c -> {
          if (c.getDouble("x1") > 0.7) {
            return Optional.empty();
          }
          Map<String, Double> m = new java.util.HashMap<>(zdt1(c, d));
          m.put("memory_mb", 1000 * c.getDouble("x2"));
          return Optional.of(m);
        };
    double[] nsga2 = new double[SEEDS];
    double[] random = new double[SEEDS];
    for (int seed = 0; seed < SEEDS; seed++) {
      StrategyContext ctx = new StrategyContext(zdtSpace(d), ZDT, constraints, seed, budget);
      List<Trial> a =
          Landscapes.run(track(new Nsga2Search(ctx)), ZDT.get(0), constraints, f, budget);
      List<Trial> r = Landscapes.run(new RandomSearch(ctx), ZDT.get(0), constraints, f, budget);
      nsga2[seed] = unfitShare(a.subList(budget / 2, a.size()));
      random[seed] = unfitShare(r.subList(budget / 2, r.size()));
    }
    // Random search lands there 1 − 0.7 · 0.5 = 65 % of the time. Measured over the second half
    // (seeds 0-4): nsga2 0.08 0.04 0.02 0 0, random 0.54 0.52 0.62 0.66 0.60.
    assertThat(Landscapes.median(random)).isGreaterThan(0.5);
    assertThat(Landscapes.median(nsga2)).isLessThan(0.5 * Landscapes.median(random));
  }

  /** The share of FAILED and INFEASIBLE trials. */
  private static double unfitShare(List<Trial> trials) {
    return trials.stream().filter(t -> !t.feasible()).count() / (double) trials.size();
  }

  @Test
  void theFrontHoldsTheNonDominatedFeasibleTrialsTold() {
    SearchSpace space = SearchSpace.of(Parameter.integer("batch_size", 1, 100));
    Nsga2Search s = track(new Nsga2Search(new StrategyContext(space, SERVING, List.of(), 1, 30)));
    List<Trial> told = new ArrayList<>();
    // (throughput, latency): 1, 2 and 4 trade off; 3 is dominated by 2; 5 failed; 6 infeasible.
    told.add(serving(1, 100, 10));
    told.add(serving(2, 200, 20));
    told.add(serving(3, 150, 25));
    told.add(serving(4, 400, 80));
    told.add(
        Trial.running("c", 5, Configuration.of("batch_size", 5), false, T0)
            .ended(TrialStatus.FAILED, "oom", T0));
    told.add(
        Trial.running("c", 6, Configuration.of("batch_size", 6), false, T0)
            .measured(
                new Measurement(
                    Map.of(
                        "throughput_rps",
                        MetricSummary.ofValue(900),
                        "latency_p95_ms",
                        MetricSummary.ofValue(1)),
                    Duration.ofSeconds(1)),
                900,
                Optional.of("error_rate too high"),
                T0));
    told.forEach(s::tell);
    assertThat(s.front()).extracting(Trial::number).containsExactly(1, 2, 4);
    assertThat(s.front()).isEqualTo(ParetoFront.of(told, SERVING));
    List<Configuration> asked = s.ask(4);
    assertThat(asked).hasSize(4).allMatch(space::contains);
    assertThat(new HashSet<>(asked)).hasSize(4);
    assertThat(s.state())
        .containsEntry("frontSize", 3)
        .containsEntry("told", 6)
        .containsEntry("populationSize", Nsga2Search.MIN_POPULATION)
        .containsEntry("objectives", List.of("maximize throughput_rps", "minimize latency_p95_ms"))
        .containsKey("generation");
    assertThat((Long) s.state().get("generation")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void populationSizeFollowsTheBudgetWithinBounds() {
    assertThat(Nsga2Search.populationSize(10)).isEqualTo(Nsga2Search.MIN_POPULATION);
    assertThat(Nsga2Search.populationSize(200)).isEqualTo(20);
    assertThat(Nsga2Search.populationSize(10_000)).isEqualTo(Nsga2Search.MAX_POPULATION);
    assertThatThrownBy(() -> new Nsga2Search(context(smallSpace(), 0, 10), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("populationSize");
  }

  @Test
  void closingEndsTheEngineThreadAndRefusesFurtherAsks() {
    Nsga2Search s = new Nsga2Search(context(mixedSpace(), 1, 30));
    s.ask(3);
    Thread engine = s.engineThread().orElseThrow();
    assertThat(engine.getName()).startsWith("infertune-nsga2-");
    s.close();
    assertThat(engine.isAlive()).isFalse();
    assertThatThrownBy(() -> s.ask(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nsga2");
  }

  private static Trial serving(int number, double throughput, double latency) {
    Measurement m =
        new Measurement(
            Map.of(
                "throughput_rps",
                MetricSummary.ofValue(throughput),
                "latency_p95_ms",
                MetricSummary.ofValue(latency)),
            Duration.ofSeconds(1));
    return Trial.running("c", number, Configuration.of("batch_size", number), false, T0)
        .measured(m, throughput, Optional.empty(), T0);
  }

  private static double value(Trial t, String metric) {
    return t.measurement().orElseThrow().value(metric).orElseThrow();
  }
}
