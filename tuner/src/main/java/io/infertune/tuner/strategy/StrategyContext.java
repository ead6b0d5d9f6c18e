package io.infertune.tuner.strategy;

import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.SearchSpace;
import java.util.List;
import java.util.Objects;

/**
 * What a strategy is built for.
 *
 * @param maxTrials the campaign's trial budget, for strategies that size themselves from it
 */
public record StrategyContext(
    SearchSpace space,
    Objective objective,
    List<Constraint> constraints,
    long seed,
    int maxTrials) {
  public StrategyContext {
    Objects.requireNonNull(space, "space");
    Objects.requireNonNull(objective, "objective");
    constraints = List.copyOf(constraints);
    if (maxTrials < 1) {
      throw new IllegalArgumentException("maxTrials must be >= 1");
    }
  }
}
