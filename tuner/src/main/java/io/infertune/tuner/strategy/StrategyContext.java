package io.infertune.tuner.strategy;

import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.SearchSpace;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What a strategy is built for.
 *
 * @param objectives what is optimised, the primary first; a trial's {@code objectiveValue} is the
 *     primary objective's value, the others are read from its measurement. Single-objective
 *     strategies refuse several ({@link #singleObjective}).
 * @param maxTrials the expected number of trials, for strategies that size themselves from it
 */
public record StrategyContext(
    SearchSpace space,
    List<Objective> objectives,
    List<Constraint> constraints,
    long seed,
    int maxTrials) {
  public StrategyContext {
    Objects.requireNonNull(space, "space");
    objectives = List.copyOf(objectives);
    if (objectives.isEmpty()) {
      throw new IllegalArgumentException("at least one objective is needed");
    }
    var metrics = new HashSet<String>();
    for (Objective o : objectives) {
      if (!metrics.add(o.metric())) {
        throw new IllegalArgumentException("objective metric '" + o.metric() + "' appears twice");
      }
    }
    constraints = List.copyOf(constraints);
    if (maxTrials < 1) {
      throw new IllegalArgumentException("maxTrials must be >= 1");
    }
  }

  /** A single-objective context. */
  public StrategyContext(
      SearchSpace space,
      Objective objective,
      List<Constraint> constraints,
      long seed,
      int maxTrials) {
    this(
        space,
        List.of(Objects.requireNonNull(objective, "objective")),
        constraints,
        seed,
        maxTrials);
  }

  /** The primary objective: the one a trial's {@code objectiveValue} holds. */
  public Objective objective() {
    return objectives.get(0);
  }

  public boolean multiObjective() {
    return objectives.size() > 1;
  }

  /**
   * The objective, for a strategy that optimises one.
   *
   * @throws IllegalArgumentException naming {@code strategy} when there are several objectives
   */
  public Objective singleObjective(String strategy) {
    if (multiObjective()) {
      throw new IllegalArgumentException(
          "strategy '"
              + strategy
              + "' optimises one objective, got "
              + objectives.size()
              + "; use nsga2 (or random, sobol, grid) for several");
    }
    return objective();
  }
}
