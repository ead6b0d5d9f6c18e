package io.infertune.tuner.study;

import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.trial.StrategySpec;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What a caller says about a study: ask/tell optimisation of evaluations it runs itself (Vizier's
 * and Optuna's model). Immutable once the study exists.
 *
 * @param objectives what is optimised, the primary first; several make a multi-objective study
 *     whose best is a Pareto front; metric names are the caller's own
 * @param constraints bounds on metrics the caller reports with each completed trial
 * @param expectedTrials how many trials the caller expects to run (strategies size their initial
 *     design and population from it); suggestions beyond it are still given
 */
public record StudySpec(
    String name,
    SearchSpace space,
    List<Objective> objectives,
    List<Constraint> constraints,
    StrategySpec strategy,
    int expectedTrials) {
  /** More would make Pareto fronts meaningless and requests unbounded. */
  public static final int MAX_OBJECTIVES = 8;

  public static final int MAX_CONSTRAINTS = 32;
  public static final int MAX_EXPECTED_TRIALS = 100_000;

  public StudySpec {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.length() > 200) {
      throw new IllegalArgumentException("name must be 1-200 characters");
    }
    Objects.requireNonNull(space, "space");
    objectives = List.copyOf(objectives);
    if (objectives.isEmpty() || objectives.size() > MAX_OBJECTIVES) {
      throw new IllegalArgumentException(
          "objectives must hold 1-" + MAX_OBJECTIVES + " objectives, got " + objectives.size());
    }
    var metrics = new HashSet<String>();
    for (Objective o : objectives) {
      if (!metrics.add(o.metric())) {
        throw new IllegalArgumentException("objective metric '" + o.metric() + "' appears twice");
      }
    }
    constraints = List.copyOf(constraints);
    if (constraints.size() > MAX_CONSTRAINTS) {
      throw new IllegalArgumentException(
          "constraints must hold at most " + MAX_CONSTRAINTS + ", got " + constraints.size());
    }
    Objects.requireNonNull(strategy, "strategy");
    if (expectedTrials < 1 || expectedTrials > MAX_EXPECTED_TRIALS) {
      throw new IllegalArgumentException(
          "expectedTrials must be 1-" + MAX_EXPECTED_TRIALS + ", got " + expectedTrials);
    }
  }

  public boolean multiObjective() {
    return objectives.size() > 1;
  }
}
