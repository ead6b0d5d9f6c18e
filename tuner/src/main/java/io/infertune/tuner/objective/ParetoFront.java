package io.infertune.tuner.objective;

import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Pareto dominance over several objectives: the trade-offs no measured configuration beats on every
 * objective at once (e.g. throughput against p95 latency).
 */
public final class ParetoFront {
  private ParetoFront() {}

  /**
   * Whether {@code a} dominates {@code b}: no worse on every objective and strictly better on one.
   * {@code a[i]} and {@code b[i]} are values of {@code objectives.get(i)}.
   */
  public static boolean dominates(double[] a, double[] b, List<Objective> objectives) {
    if (a.length != objectives.size() || b.length != objectives.size()) {
      throw new IllegalArgumentException(
          "need one value per objective (" + objectives.size() + ")");
    }
    boolean strictlyBetter = false;
    for (int i = 0; i < a.length; i++) {
      Objective o = objectives.get(i);
      if (o.better(b[i], a[i])) {
        return false;
      }
      strictlyBetter |= o.better(a[i], b[i]);
    }
    return strictlyBetter;
  }

  /** A trial's value of each objective, when it was measured, feasible and has them all. */
  public static Optional<double[]> values(Trial trial, List<Objective> objectives) {
    if (trial.status() != TrialStatus.COMPLETED || trial.measurement().isEmpty()) {
      return Optional.empty();
    }
    double[] v = new double[objectives.size()];
    for (int i = 0; i < v.length; i++) {
      OptionalDouble x = objectives.get(i).valueIn(trial.measurement().get());
      if (x.isEmpty() || !Double.isFinite(x.getAsDouble())) {
        return Optional.empty();
      }
      v[i] = x.getAsDouble();
    }
    return Optional.of(v);
  }

  /**
   * The non-dominated trials among the feasible measured ones, in the order given. Of trials with
   * equal values, all are kept (none dominates another). O(n² · objectives): fronts are read for
   * hundreds of trials, not millions.
   */
  public static List<Trial> of(List<Trial> trials, List<Objective> objectives) {
    List<Trial> candidates = new ArrayList<>();
    List<double[]> points = new ArrayList<>();
    for (Trial t : trials) {
      values(t, objectives)
          .ifPresent(
              v -> {
                candidates.add(t);
                points.add(v);
              });
    }
    List<Trial> front = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      boolean dominated = false;
      for (int j = 0; j < points.size() && !dominated; j++) {
        dominated = j != i && dominates(points.get(j), points.get(i), objectives);
      }
      if (!dominated) {
        front.add(candidates.get(i));
      }
    }
    return front;
  }
}
