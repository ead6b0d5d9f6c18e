package io.infertune.experiments.bench;

import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.util.random.RandomGenerator;

/**
 * The Branin–Hoo function on {@code x1 ∈ [-5, 10]}, {@code x2 ∈ [0, 15]}, minimised: three global
 * minima of 0.397887 at (−π, 12.275), (π, 2.275) and (9.42478, 2.475).
 *
 * <p>{@code f = (x2 − 5.1 x1² / (4π²) + 5 x1 / π − 6)² + 10 (1 − 1 / (8π)) cos x1 + 10}. The
 * objective borrows the metric name {@code latency_p50_ms}.
 */
public final class Branin implements Landscape {
  /** The global minimum. */
  public static final double OPTIMUM = 0.397887357729738;

  static final SearchSpace SPACE =
      SearchSpace.of(Parameter.real("x1", -5, 10), Parameter.real("x2", 0, 15));

  @Override
  public String name() {
    return "branin";
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
  public static double value(double x1, double x2) {
    double b = 5.1 / (4 * Math.PI * Math.PI);
    double c = 5 / Math.PI;
    double t = 1 / (8 * Math.PI);
    double u = x2 - b * x1 * x1 + c * x1 - 6;
    return u * u + 10 * (1 - t) * Math.cos(x1) + 10;
  }

  @Override
  public Outcome evaluate(Configuration configuration, RandomGenerator noise) {
    return Outcome.Measured.exact(
        value(configuration.getDouble("x1"), configuration.getDouble("x2")));
  }
}
