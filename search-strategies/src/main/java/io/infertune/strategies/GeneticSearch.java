package io.infertune.strategies;

import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Direction;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.trial.Trial;
import io.jenetics.DoubleGene;
import io.jenetics.EliteSelector;
import io.jenetics.TournamentSelector;
import io.jenetics.UniformCrossover;
import io.jenetics.engine.Engine;
import java.lang.ref.Cleaner;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A genetic algorithm on Jenetics, behind ask/tell.
 *
 * <p><b>Encoding.</b> One {@code DoubleGene} in {@code [0, 1)} per parameter, decoded by {@link
 * SearchSpace#fromUnit}: uniform in a real's own scale (logarithmic for log parameters), one
 * equal-width cell per value of an integer, ordinal or categorical parameter; the genes of inactive
 * conditional parameters are carried along unused, so that a branch switched off and on again keeps
 * its values.
 *
 * <p><b>Evolution.</b> A population of {@code clamp(maxTrials / 5, 6, 50)} (so that a campaign sees
 * at least about five generations); 60 % offspring chosen by 3-tournaments, uniform crossover (each
 * gene swapped with probability ½ in 50 % of the pairs), a local mutation ({@code UnitMutator}: a
 * Gaussian step of 0.1, or one time in ten a uniform redraw) of each gene with probability {@code
 * max(0.2, 1/d)}; 40 % survivors by 3-tournaments with the best individual always kept (elitism).
 * Fitness follows Deb's feasibility rules ({@code GeneticFitness}): feasible beats infeasible beats
 * failed, whatever the objective's units.
 *
 * <p><b>Ask/tell.</b> Jenetics pulls fitness; here the engine runs on a daemon thread of its own,
 * its evaluator's futures completed by {@link #tell} ({@code EngineBridge} documents the protocol,
 * shared with {@link Nsga2Search}). {@link #ask} hands out the configurations the current
 * generation waits for. A phenotype that decodes to a configuration told before is answered from
 * memory, not asked again; two identical ones share one request. When the generation's requests are
 * all handed out (more asked than the engine waits for), or the population has converged onto told
 * configurations, asks are filled with configurations drawn uniformly from the unvisited ones;
 * their outcomes are remembered like any other.
 *
 * <p><b>Warm start.</b> Trials told before the first {@code ask} seed the initial population (the
 * best {@code populationSize}, with their fitness); the rest is random. Trials told later are
 * remembered and answer identical phenotypes.
 *
 * <p><b>Randomness.</b> The engine thread runs in {@code RandomRegistry.using(...)} with a
 * generator seeded from the context's seed, and every call waits for the engine to reach its next
 * wait before returning, so that a seed and a sequence of told trials give the same sequence.
 *
 * @apiNote follows the {@link SearchStrategy} contract; optimises one objective, and refuses a
 *     context with several ({@link StrategyContext#singleObjective}). Every asked configuration
 *     must be told eventually (as FAILED or ABORTED if it never ran; an ABORTED one the engine
 *     needs is asked again): the engine waits for them. {@link #close} stops the engine thread; a
 *     strategy that becomes unreachable without being closed is closed by a {@link Cleaner}.
 * @implNote not thread-safe as a strategy (one campaign drives it from one thread); internally the
 *     caller and the engine thread synchronise on one lock. One platform daemon thread per started
 *     strategy, blocked while waiting for trials.
 */
public final class GeneticSearch implements SearchStrategy, AutoCloseable {
  /** The smallest and largest population sizes derived from a budget. */
  public static final int MIN_POPULATION = 6;

  public static final int MAX_POPULATION = 50;

  private final EngineBridge<GeneticFitness> engine;
  private final Direction direction;
  private final Cleaner.Cleanable cleanable;

  /** A population sized from the budget: {@link #populationSize(int)}. */
  public GeneticSearch(StrategyContext context) {
    this(context, populationSize(context.maxTrials()));
  }

  /**
   * @throws IllegalArgumentException when {@code populationSize < 2}, or when the context has
   *     several objectives
   */
  public GeneticSearch(StrategyContext context, int populationSize) {
    this.direction = context.singleObjective("genetic").direction();
    if (populationSize < 2) {
      throw new IllegalArgumentException("populationSize must be >= 2, got " + populationSize);
    }
    this.engine =
        new EngineBridge<>(
            "genetic",
            context.space(),
            new Evolution(direction, context.constraints()),
            populationSize,
            context.seed());
    this.cleanable = engine.shutdownWhenUnreachable(this);
  }

  /** {@code clamp(maxTrials / 5, 6, 50)}. */
  public static int populationSize(int maxTrials) {
    return Math.max(MIN_POPULATION, Math.min(MAX_POPULATION, maxTrials / 5));
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
  }

  /**
   * {@code generation} (evaluations of the engine), {@code populationSize}, {@code asked}, {@code
   * told}, {@code requests} (configurations the engine asked for), {@code fills} (configurations
   * drawn uniformly while the engine waited or had converged), {@code remembered} (distinct
   * configurations with a known fitness), {@code stalled}, and once a trial was feasible {@code
   * best} (the objective's value) and {@code bestConfiguration}.
   */
  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>(engine.state());
    Map<Configuration, GeneticFitness> known = engine.known();
    if (!known.isEmpty()) {
      // Collections.max keeps the first of equal maxima: the earliest told best.
      Map.Entry<Configuration, GeneticFitness> best =
          Collections.max(known.entrySet(), Map.Entry.comparingByValue());
      if (best.getValue().tier() == GeneticFitness.FEASIBLE) {
        s.put("best", direction.oriented(best.getValue().primary()));
        s.put("bestConfiguration", best.getKey().toString());
      }
    }
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

  /** The operators described above, over {@link GeneticFitness}. */
  private record Evolution(Direction direction, List<Constraint> constraints)
      implements EngineBridge.Evolution<GeneticFitness> {
    @Override
    public GeneticFitness fitness(Trial trial) {
      return GeneticFitness.of(trial, direction, constraints);
    }

    @Override
    public Engine.Builder<DoubleGene, GeneticFitness> configure(
        Engine.Builder<DoubleGene, GeneticFitness> builder, int dimension) {
      return builder
          .offspringSelector(new TournamentSelector<>(3))
          .survivorsSelector(
              new EliteSelector<DoubleGene, GeneticFitness>(1, new TournamentSelector<>(3)))
          .alterers(
              new UniformCrossover<>(0.5, 0.5),
              new UnitMutator<>(mutationProbability(dimension), 0.1, 0.1))
          .maximizing();
    }

    /** The best first; of equal fitness, the earliest told. */
    @Override
    public List<Configuration> warmStart(Map<Configuration, GeneticFitness> known, int size) {
      return known.entrySet().stream()
          .sorted(Map.Entry.<Configuration, GeneticFitness>comparingByValue().reversed())
          .limit(size)
          .map(Map.Entry::getKey)
          .toList();
    }
  }

  /** {@code max(0.2, 1/d)}: about one gene in a large genotype, more in a small one. */
  static double mutationProbability(int dimension) {
    return Math.max(0.2, 1.0 / dimension);
  }
}
