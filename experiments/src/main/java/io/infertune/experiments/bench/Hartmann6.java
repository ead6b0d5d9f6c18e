package io.infertune.experiments.bench;

import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The 6-dimensional Hartmann function on {@code [0, 1]⁶}, minimised: global minimum −3.32237 at
 * (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573). With {@code noiseSd > 0} each
 * observation gets Gaussian noise of that standard deviation; the benchmark scores the noiseless
 * value. The objective borrows the metric name {@code latency_p50_ms}.
 */
public final class Hartmann6 implements Landscape {
  /** The global minimum. */
  public static final double OPTIMUM = -3.32237;

  /** Where the global minimum is. */
  public static final double[] ARGMIN = {0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573};

  private static final double[] ALPHA = {1.0, 1.2, 3.0, 3.2};
  private static final double[][] A = {
    {10, 3, 17, 3.5, 1.7, 8},
    {0.05, 10, 17, 0.1, 8, 14},
    {3, 3.5, 1.7, 10, 17, 8},
    {17, 8, 0.05, 10, 0.1, 14}
  };
  private static final double[][] P = {
    {1312, 1696, 5569, 124, 8283, 5886},
    {2329, 4135, 8307, 3736, 1004, 9991},
    {2348, 1451, 3522, 2883, 3047, 6650},
    {4047, 8828, 8732, 5743, 1091, 381}
  };
  private static final SearchSpace SPACE = unitCube();

  private final double noiseSd;

  /** Noiseless Hartmann-6. */
  public Hartmann6() {
    this(0);
  }

  /**
   * @param noiseSd the standard deviation of the Gaussian observation noise (0 for none)
   */
  public Hartmann6(double noiseSd) {
    if (!(noiseSd >= 0) || !Double.isFinite(noiseSd)) {
      throw new IllegalArgumentException("noiseSd must be >= 0, got " + noiseSd);
    }
    this.noiseSd = noiseSd;
  }

  private static SearchSpace unitCube() {
    List<Parameter> ps = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      ps.add(Parameter.real("x" + i, 0, 1));
    }
    return new SearchSpace(ps);
  }

  @Override
  public String name() {
    return noiseSd > 0 ? "noisy-hartmann6" : "hartmann6";
  }

  @Override
  public SearchSpace space() {
    return SPACE;
  }

  @Override
  public Objective objective() {
    return Objective.minimize(Metrics.LATENCY_P50_MS);
  }

  @Override
  public double optimum() {
    return OPTIMUM;
  }

  /** The function itself. */
  public static double value(double[] x) {
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      double inner = 0;
      for (int j = 0; j < 6; j++) {
        double d = x[j] - P[i][j] * 1e-4;
        inner += A[i][j] * d * d;
      }
      sum += ALPHA[i] * Math.exp(-inner);
    }
    return -sum;
  }

  @Override
  public Outcome evaluate(Configuration configuration, RandomGenerator noise) {
    double[] x = new double[6];
    for (int j = 0; j < 6; j++) {
      x[j] = configuration.getDouble("x" + (j + 1));
    }
    double truth = value(x);
    double observed = noiseSd > 0 ? truth + noiseSd * noise.nextGaussian() : truth;
    return new Outcome.Measured(observed, truth, java.util.Map.of());
  }
}
