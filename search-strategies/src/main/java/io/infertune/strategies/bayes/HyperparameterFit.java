package io.infertune.strategies.bayes;

import io.infertune.strategies.bayes.GaussianProcess.Hyperparameters;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;

/**
 * Type-II maximum likelihood for {@link GaussianProcess}: the hyper-parameters {@code θ = (log ℓ_1
 * .. log ℓ_G, log σf², log σn²)} that maximise the log marginal likelihood {@code log p(y | X, θ)}
 * of the standardised targets, within bounds, by BOBYQA (Powell's derivative-free trust-region
 * method, as Commons Math ships it) from each of several starting points; the best local optimum
 * wins.
 *
 * <p>Bounds (the inputs live in the unit cube, the targets are standardised): length scales in
 * [{@value #MIN_LENGTH_SCALE}, {@value #MAX_LENGTH_SCALE}] (at the upper end a feature barely moves
 * the kernel: irrelevant), signal variance in [{@value #MIN_SIGNAL_VARIANCE}, {@value
 * #MAX_SIGNAL_VARIANCE}], noise variance in [{@value #MIN_NOISE_VARIANCE}, {@value
 * #MAX_NOISE_VARIANCE}] (the floor keeps the kernel matrix well conditioned; the ceiling says
 * "everything is noise").
 *
 * <p>Cost: each evaluation factorises the n × n kernel matrix, O(n³/3); BOBYQA in 2 + G dimensions
 * typically converges in 50 to 200 evaluations. Warm starts (the previous fit, a few observations
 * ago) converge in fewer.
 *
 * @implNote stateless and thread-safe.
 */
public final class HyperparameterFit {
  public static final double MIN_LENGTH_SCALE = 0.02;
  public static final double MAX_LENGTH_SCALE = 20;
  public static final double MIN_SIGNAL_VARIANCE = 0.05;
  public static final double MAX_SIGNAL_VARIANCE = 20;
  public static final double MIN_NOISE_VARIANCE = 1e-6;
  public static final double MAX_NOISE_VARIANCE = 1;

  /** BOBYQA's first trust-region radius in log space for a fit from scratch: a factor e. */
  public static final double COLD_RADIUS = 1.0;

  /**
   * The first trust-region radius for a fit warm-started from a previous one, a few observations
   * ago: the optimum has moved little, so the first steps are small (a factor 1.35).
   */
  public static final double WARM_RADIUS = 0.3;

  /** Where BOBYQA stops: a relative precision of 0.1 % of each hyper-parameter. */
  private static final double STOPPING_RADIUS = 1e-3;

  private HyperparameterFit() {}

  /**
   * The fitted hyper-parameters.
   *
   * @param evaluations of the log marginal likelihood, over every start
   */
  public record Result(
      Hyperparameters hyperparameters, double logMarginalLikelihood, int evaluations) {}

  /** A starting point drawn log-uniformly from the central part of the bounds. */
  public static Hyperparameters randomStart(int lengthScales, RandomGenerator random) {
    double[] l = new double[lengthScales];
    for (int i = 0; i < l.length; i++) {
      l[i] = uniform(random, Math.log(0.05), Math.log(2));
    }
    return new Hyperparameters(
        l, uniform(random, Math.log(0.3), Math.log(3)), uniform(random, Math.log(1e-4), -1));
  }

  /**
   * Maximises the log marginal likelihood from each start.
   *
   * @param groups for each input feature, the index of its length scale
   * @param starts at least one; each is clamped into the bounds
   * @param maxEvaluationsPerStart at least 2G + 6 (BOBYQA's interpolation set and a few steps)
   */
  public static Result fit(
      double[][] x,
      double[] y,
      int[] groups,
      List<Hyperparameters> starts,
      int maxEvaluationsPerStart) {
    return fit(x, y, groups, starts, maxEvaluationsPerStart, COLD_RADIUS);
  }

  /**
   * As {@link #fit(double[][], double[], int[], List, int)}, with BOBYQA's first trust-region
   * radius (in log space): {@link #COLD_RADIUS} from scratch, {@link #WARM_RADIUS} from a recent
   * fit.
   */
  public static Result fit(
      double[][] x,
      double[] y,
      int[] groups,
      List<Hyperparameters> starts,
      int maxEvaluationsPerStart,
      double initialRadius) {
    if (!(initialRadius > STOPPING_RADIUS && initialRadius <= COLD_RADIUS)) {
      throw new IllegalArgumentException(
          "initialRadius must be in (" + STOPPING_RADIUS + ", " + COLD_RADIUS + "]");
    }
    if (starts.isEmpty()) {
      throw new IllegalArgumentException("need at least one starting point");
    }
    int g = starts.get(0).lengthScaleCount();
    int dim = g + 2;
    double[] lo = new double[dim];
    double[] hi = new double[dim];
    Arrays.fill(lo, 0, g, Math.log(MIN_LENGTH_SCALE));
    Arrays.fill(hi, 0, g, Math.log(MAX_LENGTH_SCALE));
    lo[g] = Math.log(MIN_SIGNAL_VARIANCE);
    hi[g] = Math.log(MAX_SIGNAL_VARIANCE);
    lo[g + 1] = Math.log(MIN_NOISE_VARIANCE);
    hi[g + 1] = Math.log(MAX_NOISE_VARIANCE);
    int interpolation = 2 * dim + 1;
    int maxEval = Math.max(maxEvaluationsPerStart, interpolation + 5);

    Best best = new Best();
    for (Hyperparameters start : starts) {
      if (start.lengthScaleCount() != g) {
        throw new IllegalArgumentException("starting points disagree on the number of scales");
      }
      double[] x0 = start.toArray();
      for (int i = 0; i < dim; i++) {
        // Strictly inside, so that BOBYQA's first interpolation points stay feasible.
        x0[i] = Math.min(hi[i] - 1e-9, Math.max(lo[i] + 1e-9, x0[i]));
      }
      best.offer(x0, logLikelihood(x, y, groups, x0));
      BOBYQAOptimizer optimizer =
          new BOBYQAOptimizer(interpolation, initialRadius, STOPPING_RADIUS);
      try {
        optimizer.optimize(
            new MaxEval(maxEval),
            new ObjectiveFunction(
                theta -> {
                  double v = logLikelihood(x, y, groups, theta);
                  best.offer(theta, v);
                  return v;
                }),
            GoalType.MAXIMIZE,
            new InitialGuess(x0),
            new SimpleBounds(lo, hi));
      } catch (MathIllegalStateException e) {
        // Out of evaluations (TooManyEvaluationsException) or a degenerate trust region: the best
        // point seen so far stands.
      }
    }
    return new Result(Hyperparameters.fromArray(best.theta), best.value, best.evaluations);
  }

  /** The log marginal likelihood at {@code theta}, or a large negative value if it fails. */
  static double logLikelihood(double[][] x, double[] y, int[] groups, double[] theta) {
    try {
      double v =
          new GaussianProcess(x, y, Hyperparameters.fromArray(theta), groups)
              .logMarginalLikelihood();
      return Double.isFinite(v) ? v : -1e300;
    } catch (IllegalArgumentException e) {
      return -1e300;
    }
  }

  private static double uniform(RandomGenerator random, double lo, double hi) {
    return lo + (hi - lo) * random.nextDouble();
  }

  /** The best point seen over every start, and the evaluation count. */
  private static final class Best {
    double[] theta;
    double value = Double.NEGATIVE_INFINITY;
    int evaluations;

    void offer(double[] t, double v) {
      evaluations++;
      if (theta == null || v > value) {
        theta = t.clone();
        value = v;
      }
    }
  }
}
