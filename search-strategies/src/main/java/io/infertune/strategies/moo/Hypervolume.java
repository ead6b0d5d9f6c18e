package io.infertune.strategies.moo;

import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.objective.ParetoFront;
import io.infertune.tuner.trial.Trial;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The hypervolume indicator of a set of points of two objectives: the area of objective space that
 * the points dominate and that is bounded by a reference point (Zitzler and Thiele, 1998). One
 * number that grows both when a front moves towards the ideal and when it spreads along the
 * trade-off; it is the usual way to compare the fronts of two searches at the same budget.
 *
 * <p>The reference point should be worse than every point of interest on both objectives (e.g. the
 * worst acceptable throughput and latency); points not strictly better than it on both contribute
 * nothing. Areas are in the product of the objectives' units, so they compare only for one pair of
 * objectives and one reference point.
 *
 * @implNote stateless and thread-safe. O(n log n): a sort, then one sweep.
 */
public final class Hypervolume {
  private Hypervolume() {}

  /**
   * The area dominated by {@code points} and bounded by {@code reference}.
   *
   * @param points each the values of the two objectives, {@code objectives} order, in their units
   * @param objectives exactly two, with their directions
   * @param reference a point of the same two objectives, finite
   * @throws IllegalArgumentException when there are not two objectives, or a point or the reference
   *     has not two values, or the reference is not finite
   */
  public static double of(List<double[]> points, List<Objective> objectives, double[] reference) {
    if (objectives.size() != 2) {
      throw new IllegalArgumentException(
          "hypervolume is computed for two objectives, got " + objectives.size());
    }
    if (reference.length != 2 || !Double.isFinite(reference[0]) || !Double.isFinite(reference[1])) {
      throw new IllegalArgumentException("the reference point needs two finite values");
    }
    double rx = objectives.get(0).direction().oriented(reference[0]);
    double ry = objectives.get(1).direction().oriented(reference[1]);
    // Oriented so that larger is better on both axes; only points beyond the reference count.
    List<double[]> inside = new ArrayList<>();
    for (double[] p : points) {
      if (p.length != 2) {
        throw new IllegalArgumentException("every point needs two values, got " + p.length);
      }
      double x = objectives.get(0).direction().oriented(p[0]);
      double y = objectives.get(1).direction().oriented(p[1]);
      if (x > rx && y > ry) {
        inside.add(new double[] {x, y});
      }
    }
    // Sweep from the largest x: each point adds the strip it raises above the best y so far.
    inside.sort(
        Comparator.<double[]>comparingDouble(p -> p[0])
            .reversed()
            .thenComparing(Comparator.<double[]>comparingDouble(p -> p[1]).reversed()));
    double area = 0;
    double top = ry;
    for (double[] p : inside) {
      if (p[1] > top) {
        area += (p[0] - rx) * (p[1] - top);
        top = p[1];
      }
    }
    return area;
  }

  /**
   * The hypervolume of the feasible trials that have a finite value of both objectives ({@link
   * ParetoFront#values}); others are ignored.
   */
  public static double ofTrials(
      List<Trial> trials, List<Objective> objectives, double[] reference) {
    List<double[]> points = new ArrayList<>();
    for (Trial t : trials) {
      ParetoFront.values(t, objectives).ifPresent(points::add);
    }
    return of(points, objectives, reference);
  }
}
