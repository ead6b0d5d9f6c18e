package io.infertune.strategies;

import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Direction;
import io.infertune.tuner.trial.Trial;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The fitness of a configuration for the genetic search, ordered by Deb's feasibility rules (Deb,
 * 2000): any feasible trial beats any infeasible one, any infeasible (measured) one beats a failed
 * one; among feasible trials the better objective wins, among infeasible ones the smaller total
 * constraint violation, then the better objective. A penalty that needs no scale: failed and
 * infeasible trials lose every tournament against a feasible one, whatever the objective's units. A
 * PRUNED trial (stopped early) is judged by its partial measurement like a measured one.
 *
 * @param tier {@link #FAILED}, {@link #INFEASIBLE} or {@link #FEASIBLE}
 * @param primary the oriented objective (feasible), or minus the violation (infeasible)
 * @param secondary the oriented objective of an infeasible trial, else 0
 */
record GeneticFitness(int tier, double primary, double secondary)
    implements Comparable<GeneticFitness> {
  static final int FAILED = 0;
  static final int INFEASIBLE = 1;
  static final int FEASIBLE = 2;

  static GeneticFitness of(Trial trial, Direction direction, List<Constraint> constraints) {
    OptionalDouble value = trial.objectiveValue();
    double oriented =
        value.isPresent() && Double.isFinite(value.getAsDouble())
            ? direction.oriented(value.getAsDouble())
            : Double.NEGATIVE_INFINITY;
    return switch (trial.status()) {
      case COMPLETED ->
          Double.isFinite(oriented)
              ? new GeneticFitness(FEASIBLE, oriented, 0)
              : new GeneticFitness(FAILED, 0, 0);
      case INFEASIBLE ->
          new GeneticFitness(
              INFEASIBLE,
              -trial.measurement().map(m -> Feasibility.violation(m, constraints)).orElse(0.0),
              oriented);
      case PRUNED -> pruned(trial, oriented, constraints);
      default -> new GeneticFitness(FAILED, 0, 0);
    };
  }

  /**
   * A trial stopped early counts as what its partial measurement shows: infeasible by its measured
   * violation, else feasible with its (clearly worse than the incumbent) objective.
   */
  private static GeneticFitness pruned(Trial trial, double oriented, List<Constraint> constraints) {
    double violation =
        trial.measurement().map(m -> Feasibility.violation(m, constraints)).orElse(1.0);
    if (violation > 0) {
      return new GeneticFitness(INFEASIBLE, -violation, oriented);
    }
    return Double.isFinite(oriented)
        ? new GeneticFitness(FEASIBLE, oriented, 0)
        : new GeneticFitness(FAILED, 0, 0);
  }

  @Override
  public int compareTo(GeneticFitness o) {
    int c = Integer.compare(tier, o.tier);
    if (c != 0) {
      return c;
    }
    c = Double.compare(primary, o.primary);
    return c != 0 ? c : Double.compare(secondary, o.secondary);
  }
}
