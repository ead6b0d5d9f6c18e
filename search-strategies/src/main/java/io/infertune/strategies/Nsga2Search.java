package io.infertune.strategies;

import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.objective.ParetoFront;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.jenetics.DoubleGene;
import io.jenetics.Optimize;
import io.jenetics.UniformCrossover;
import io.jenetics.engine.Engine;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * NSGA-II (Deb, Pratap, Agarwal and Meyarivan, 2002) on Jenetics, behind ask/tell: a
 * multi-objective search (e.g. maximise throughput and minimise p95 latency) whose result is a
 * Pareto front, the trade-offs no measured configuration beats on every objective at once.
 *
 * <p><b>Selection.</b> Individuals are ranked by non-dominated sorting under constrained domination
 * ({@code ParetoFitness}: feasible before infeasible, infeasible by total relative violation,
 * failed trials dominated by every measured one), then within a rank by crowding distance ({@code
 * CrowdedSelector}): parents are chosen by binary crowded tournaments, survivors (40 % of each
 * generation, so that the best front found is kept) by crowded truncation. With one objective this
 * is an elitist genetic algorithm.
 *
 * <p><b>Encoding, variation, ask/tell, warm start, randomness</b> are those of {@link
 * GeneticSearch}, through the same bridge ({@code EngineBridge}): one unit gene per parameter,
 * uniform crossover and a local mutation of probability {@code max(0.2, 1/d)}; the engine on a
 * daemon thread of its own in lock step with {@code ask}/{@code tell}; trials told before the first
 * ask seed the population (the best by crowded order); a seed and a sequence of told trials give
 * the same sequence. The population is {@code clamp(maxTrials / 10, 8, 50)}, about ten generations
 * per campaign: on ZDT1 (3 and 5 reals, 50 to 200 trials, 7 seeds) populations of 6 to 14 found
 * fronts of about the same hypervolume, and {@code maxTrials / 5} (40 for 200 trials: fewer
 * generations) clearly worse ones. The front is not limited by the population: {@link #front()} is
 * drawn from every trial told.
 *
 * <p><b>Result.</b> {@link #front()}: the non-dominated trials among the feasible ones told.
 *
 * @apiNote follows the {@link SearchStrategy} contract, with one objective or several. Every asked
 *     configuration must be told eventually (as FAILED or ABORTED if it never ran). {@link #close}
 *     stops the engine thread; a strategy that becomes unreachable unclosed is closed by a {@link
 *     Cleaner}.
 * @implNote not thread-safe as a strategy (one campaign drives it from one thread). One platform
 *     daemon thread per started strategy, blocked while waiting for trials.
 */
public final class Nsga2Search implements SearchStrategy, AutoCloseable {
  /** The smallest and largest population sizes derived from a budget. */
  public static final int MIN_POPULATION = 8;

  public static final int MAX_POPULATION = 50;

  private final List<Objective> objectives;
  private final EngineBridge<ParetoFitness> engine;
  private final Cleaner.Cleanable cleanable;

  /** Feasible trials told, the candidates for the front, in the order told. */
  private final List<Trial> feasible = new ArrayList<>();

  /** A population sized from the budget: {@link #populationSize(int)}. */
  public Nsga2Search(StrategyContext context) {
    this(context, populationSize(context.maxTrials()));
  }

  /**
   * @throws IllegalArgumentException when {@code populationSize < 2}
   */
  public Nsga2Search(StrategyContext context, int populationSize) {
    if (populationSize < 2) {
      throw new IllegalArgumentException("populationSize must be >= 2, got " + populationSize);
    }
    this.objectives = context.objectives();
    this.engine =
        new EngineBridge<>(
            "nsga2",
            context.space(),
            new Evolution(objectives, context.constraints()),
            populationSize,
            context.seed());
    this.cleanable = engine.shutdownWhenUnreachable(this);
  }

  /** {@code clamp(maxTrials / 10, 8, 50)}. */
  public static int populationSize(int maxTrials) {
    return Math.max(MIN_POPULATION, Math.min(MAX_POPULATION, maxTrials / 10));
  }

  /**
   * @throws IllegalStateException after {@link #close}, or when the engine thread failed
   */
  @Override
  public List<Configuration> ask(int n) {
    return engine.ask(n);
  }

  @Override
  public void tell(Trial trial) {
    engine.tell(trial);
    if (trial.status() == TrialStatus.COMPLETED) {
      feasible.add(trial);
    }
  }

  /**
   * The Pareto front of the trials told (warm-start ones included): the feasible trials with a
   * value for every objective that no other such trial dominates, in the order told; trials with
   * equal values are all kept ({@link ParetoFront#of}).
   */
  public List<Trial> front() {
    return ParetoFront.of(feasible, objectives);
  }

  /**
   * {@code generation} (evaluations of the engine), {@code populationSize}, {@code asked}, {@code
   * told}, {@code requests}, {@code fills}, {@code remembered}, {@code stalled} (as for {@link
   * GeneticSearch#state}), {@code objectives} (as text, primary first) and {@code frontSize}: the
   * size of {@link #front()}.
   */
  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>(engine.state());
    s.put("objectives", objectives.stream().map(Objective::toString).toList());
    s.put("frontSize", front().size());
    return Collections.unmodifiableMap(s);
  }

  /** Stops the engine thread and waits for it to end (up to 10 s). Idempotent. */
  @Override
  public void close() {
    cleanable.clean();
  }

  /** The engine thread, once the first {@code ask} has started it. */
  Optional<Thread> engineThread() {
    return engine.thread();
  }

  /** The operators described above, over {@link ParetoFitness}. */
  private record Evolution(List<Objective> objectives, List<Constraint> constraints)
      implements EngineBridge.Evolution<ParetoFitness> {
    @Override
    public ParetoFitness fitness(Trial trial) {
      return ParetoFitness.of(trial, objectives, constraints);
    }

    @Override
    public Engine.Builder<DoubleGene, ParetoFitness> configure(
        Engine.Builder<DoubleGene, ParetoFitness> builder, int dimension) {
      return builder
          .offspringSelector(CrowdedSelector.tournament())
          .survivorsSelector(CrowdedSelector.truncation())
          .alterers(
              new UniformCrossover<>(0.5, 0.5),
              new UnitMutator<>(GeneticSearch.mutationProbability(dimension), 0.1, 0.1))
          .maximizing();
    }

    /** The best by crowded order (rank, then spread), one per distinct outcome first. */
    @Override
    public List<Configuration> warmStart(Map<Configuration, ParetoFitness> known, int size) {
      List<Configuration> configurations = List.copyOf(known.keySet());
      List<ParetoFitness> fitness = List.copyOf(known.values());
      int[] order = CrowdedSelector.Ranking.of(fitness, Optimize.MAXIMUM).order(fitness);
      List<Configuration> out = new ArrayList<>();
      for (int i = 0; i < order.length && out.size() < size; i++) {
        out.add(configurations.get(order[i]));
      }
      return out;
    }
  }
}
