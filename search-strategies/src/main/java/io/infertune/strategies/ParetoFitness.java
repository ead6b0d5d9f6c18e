package io.infertune.strategies;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.jenetics.ext.moea.ElementComparator;
import io.jenetics.ext.moea.ElementDistance;
import io.jenetics.ext.moea.Pareto;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The fitness of a configuration for {@link Nsga2Search}: where its trial stands under Deb's
 * <em>constrained domination</em> (Deb et al., NSGA-II, 2002, section VI), extended below to
 * failures. {@code a} dominates {@code b} when
 *
 * <ol>
 *   <li>{@code a} is feasible and {@code b} is not;
 *   <li>both are infeasible and {@code a} violates the constraints by less ({@link
 *       Feasibility#violation}, relative to each bound, so units do not matter);
 *   <li>both are feasible and {@code a} is no worse on every objective and better on one (Pareto).
 * </ol>
 *
 * A FAILED trial (no measurement: a crash, an OOM) is dominated by every measured one, feasible or
 * not, and dominates nothing: it is the worst outcome, yet tells nothing about the trade-off. A
 * COMPLETED trial whose measurement lacks an objective, or holds a non-finite one, counts as failed
 * too: it cannot be placed on the trade-off.
 *
 * <p>{@link #dominance} is a partial order, for non-dominated sorting. {@link #compareTo} is a
 * total order consistent with it (failed, then infeasible by decreasing violation, then feasible
 * lexicographically by objective, primary first): whoever dominates compares greater, so the
 * maximum of any set is non-dominated. Jenetics needs it to report a best phenotype; nothing here
 * selects by it.
 *
 * @implNote immutable and thread-safe.
 */
final class ParetoFitness implements Comparable<ParetoFitness> {
  static final int FAILED = 0;
  static final int INFEASIBLE = 1;
  static final int FEASIBLE = 2;

  /** The i-th oriented objective, for crowding distances; feasible fitness only. */
  static final ElementComparator<ParetoFitness> ELEMENTS =
      (a, b, i) -> Double.compare(a.values[i], b.values[i]);

  /** The distance along the i-th oriented objective; feasible fitness only. */
  static final ElementDistance<ParetoFitness> DISTANCE =
      (a, b, i) -> Math.abs(a.values[i] - b.values[i]);

  private static final ParetoFitness FAILURE = new ParetoFitness(FAILED, 0, new double[0]);

  private final int tier;
  private final double violation;

  /** The objectives' values, oriented so that larger is better; empty unless feasible. */
  private final double[] values;

  private ParetoFitness(int tier, double violation, double[] values) {
    this.tier = tier;
    this.violation = violation;
    this.values = values;
  }

  /**
   * The fitness of a told trial: COMPLETED, INFEASIBLE, PRUNED (by its partial measurement), or
   * anything else as failed.
   */
  static ParetoFitness of(Trial trial, List<Objective> objectives, List<Constraint> constraints) {
    if (trial.measurement().isEmpty()) {
      return FAILURE;
    }
    Measurement m = trial.measurement().get();
    if (trial.status() == TrialStatus.INFEASIBLE) {
      return infeasible(Feasibility.violation(m, constraints));
    }
    if (trial.status() == TrialStatus.PRUNED) {
      // Stopped early: judged by what its partial measurement shows.
      double violation = Feasibility.violation(m, constraints);
      if (violation > 0) {
        return infeasible(violation);
      }
    } else if (trial.status() != TrialStatus.COMPLETED) {
      return FAILURE;
    }
    double[] v = new double[objectives.size()];
    for (int i = 0; i < v.length; i++) {
      Objective o = objectives.get(i);
      OptionalDouble x = o.valueIn(m);
      if (x.isEmpty() || !Double.isFinite(x.getAsDouble())) {
        return FAILURE;
      }
      v[i] = o.direction().oriented(x.getAsDouble());
    }
    return new ParetoFitness(FEASIBLE, 0, v);
  }

  /** A feasible fitness of oriented values (larger is better). */
  static ParetoFitness feasible(double... oriented) {
    for (double x : oriented) {
      if (!Double.isFinite(x)) {
        throw new IllegalArgumentException("objective values must be finite");
      }
    }
    return new ParetoFitness(FEASIBLE, 0, oriented.clone());
  }

  static ParetoFitness infeasible(double violation) {
    if (!(violation >= 0) || Double.isInfinite(violation)) {
      throw new IllegalArgumentException("violation must be finite and >= 0, got " + violation);
    }
    return new ParetoFitness(INFEASIBLE, violation, new double[0]);
  }

  static ParetoFitness failed() {
    return FAILURE;
  }

  int tier() {
    return tier;
  }

  boolean feasible() {
    return tier == FEASIBLE;
  }

  /** The number of objectives of a feasible fitness (0 otherwise). */
  int dimension() {
    return values.length;
  }

  /**
   * Constrained domination: 1 when this dominates {@code o}, -1 when {@code o} dominates this, 0
   * when neither does (equal, or a trade-off).
   */
  int dominance(ParetoFitness o) {
    if (tier != o.tier) {
      return Integer.compare(tier, o.tier);
    }
    return switch (tier) {
      case FEASIBLE -> Pareto.dominance(values, o.values);
      case INFEASIBLE -> Double.compare(o.violation, violation);
      default -> 0;
    };
  }

  @Override
  public int compareTo(ParetoFitness o) {
    int c = Integer.compare(tier, o.tier);
    if (c != 0) {
      return c;
    }
    c = Double.compare(o.violation, violation);
    return c != 0 ? c : Arrays.compare(values, o.values);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParetoFitness f
        && tier == f.tier
        && Double.compare(violation, f.violation) == 0
        && Arrays.equals(values, f.values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * tier + Double.hashCode(violation)) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return switch (tier) {
      case FEASIBLE -> "feasible" + Arrays.toString(values);
      case INFEASIBLE -> String.format(Locale.ROOT, "infeasible(%.4g)", violation);
      default -> "failed";
    };
  }
}
