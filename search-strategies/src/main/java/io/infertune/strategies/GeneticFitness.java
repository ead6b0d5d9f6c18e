package io.infertune.strategies;

import io.infertune.tuner.measure.Measurement;
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
 * infeasible trials lose every tournament against a feasible one, whatever the objective's units.
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
              -trial.measurement().map(m -> violation(m, constraints)).orElse(0.0),
              oriented);
      default -> new GeneticFitness(FAILED, 0, 0);
    };
  }

  /**
   * The total relative violation of the constraints: per constraint, how far the value lies beyond
   * its bound relative to the bound's magnitude (1 when the metric is missing).
   */
  static double violation(Measurement m, List<Constraint> constraints) {
    double total = 0;
    for (Constraint c : constraints) {
      OptionalDouble v = m.value(c.metric());
      if (v.isEmpty() || !Double.isFinite(v.getAsDouble())) {
        total += 1;
        continue;
      }
      double x = v.getAsDouble();
      if (c.min().isPresent() && x < c.min().getAsDouble()) {
        total += (c.min().getAsDouble() - x) / scale(c.min().getAsDouble());
      }
      if (c.max().isPresent() && x > c.max().getAsDouble()) {
        total += (x - c.max().getAsDouble()) / scale(c.max().getAsDouble());
      }
    }
    return total;
  }

  private static double scale(double bound) {
    return bound != 0 ? Math.abs(bound) : 1;
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
