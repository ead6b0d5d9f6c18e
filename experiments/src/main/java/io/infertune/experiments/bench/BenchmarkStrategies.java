package io.infertune.experiments.bench;

import io.infertune.strategies.StrategyType;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.strategy.StrategyFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The contestants: every {@link StrategyType} of the installed search-strategies (read at run time,
 * so new strategies appear without a change here) and the four Optuna samplers ({@code optuna-tpe},
 * {@code optuna-tpe-mv}, {@code optuna-cmaes}, {@code optuna-random}).
 *
 * @implNote stateless; thread-safe.
 */
public final class BenchmarkStrategies implements StrategyFactory {
  /** Our own strategies, in the registry's order. */
  public static List<String> ours() {
    return StrategyType.wireNames();
  }

  /** The Optuna samplers' strategy names. */
  public static List<String> optuna() {
    return OptunaStrategy.Sampler.strategyNames();
  }

  /** Ours then Optuna's. */
  public static List<String> all() {
    List<String> all = new ArrayList<>(ours());
    all.addAll(optuna());
    return List.copyOf(all);
  }

  /**
   * The start-design size our bayesian strategy uses, given to Optuna as {@code n_startup_trials}:
   * {@code max(5, min(2·dims + 1, budget / 3))}.
   */
  public static int startupTrials(int dimensions, int budget) {
    return Math.max(5, Math.min(2 * dimensions + 1, budget / 3));
  }

  @Override
  public SearchStrategy create(String type, StrategyContext context) {
    var sampler = OptunaStrategy.Sampler.find(type);
    if (sampler.isPresent()) {
      return new OptunaStrategy(
          sampler.get(), context, startupTrials(context.space().dimension(), context.maxTrials()));
    }
    if (StrategyType.find(type).isEmpty()) {
      throw new IllegalArgumentException(
          "unknown strategy '" + type + "'; known strategies: " + String.join(", ", all()));
    }
    return StrategyType.parse(type).create(context);
  }
}
