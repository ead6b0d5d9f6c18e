package io.infertune.strategies;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.objective.Constraint;
import java.util.List;
import java.util.OptionalDouble;

/**
 * How far a measurement lies outside the constraints: the scale-free amount by which Deb's
 * feasibility rules order infeasible trials (for {@code GeneticFitness} and {@code ParetoFitness}).
 */
final class Feasibility {
  private Feasibility() {}

  /**
   * The total relative violation of the constraints: per constraint, how far the value lies beyond
   * its bound relative to the bound's magnitude (1 when the metric is missing or not finite), so
   * that constraints in different units add up. 0 when every constraint holds.
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
}
