package io.infertune.strategies;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.trial.Trial;
import java.lang.ref.Cleaner;
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
 * its evaluator's futures completed by {@link #tell} ({@code GeneticEngine} documents the
 * protocol). {@link #ask} hands out the configurations the current generation waits for. A
 * phenotype that decodes to a configuration told before is answered from memory, not asked again;
 * two identical ones share one request. When the generation's requests are all handed out (more
 * asked than the engine waits for), or the population has converged onto told configurations, asks
 * are filled with configurations drawn uniformly from the unvisited ones; their outcomes are
 * remembered like any other.
 *
 * <p><b>Warm start.</b> Trials told before the first {@code ask} seed the initial population (the
 * best {@code populationSize}, with their fitness); the rest is random. Trials told later are
 * remembered and answer identical phenotypes.
 *
 * <p><b>Randomness.</b> The engine thread runs in {@code RandomRegistry.using(...)} with a
 * generator seeded from the context's seed, and every call waits for the engine to reach its next
 * wait before returning, so that a seed and a sequence of told trials give the same sequence.
 *
 * @apiNote follows the {@link SearchStrategy} contract. Every asked configuration must be told
 *     eventually (as FAILED or ABORTED if it never ran; an ABORTED one the engine needs is asked
 *     again): the engine waits for them. {@link #close} stops the engine thread; a strategy that
 *     becomes unreachable without being closed is closed by a {@link Cleaner}.
 * @implNote not thread-safe as a strategy (one campaign drives it from one thread); internally the
 *     caller and the engine thread synchronise on one lock. One platform daemon thread per started
 *     strategy, blocked while waiting for trials.
 */
public final class GeneticSearch implements SearchStrategy, AutoCloseable {
  /** The smallest and largest population sizes derived from a budget. */
  public static final int MIN_POPULATION = 6;

  public static final int MAX_POPULATION = 50;

  private final GeneticEngine engine;
  private final Cleaner.Cleanable cleanable;

  /** A population sized from the budget: {@link #populationSize(int)}. */
  public GeneticSearch(StrategyContext context) {
    this(context, populationSize(context.maxTrials()));
  }

  /**
   * @throws IllegalArgumentException when {@code populationSize < 2}
   */
  public GeneticSearch(StrategyContext context, int populationSize) {
    if (populationSize < 2) {
      throw new IllegalArgumentException("populationSize must be >= 2, got " + populationSize);
    }
    this.engine =
        new GeneticEngine(
            context.space(),
            context.objective().direction(),
            context.constraints(),
            populationSize,
            context.seed());
    // The action holds the engine, never this object, so that this object can become unreachable.
    this.cleanable = CleanerHolder.CLEANER.register(this, engine::shutdown);
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
    return engine.state();
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

  /** One cleaner (and its thread) for every genetic search, created on first use. */
  private static final class CleanerHolder {
    static final Cleaner CLEANER = Cleaner.create();
  }
}
