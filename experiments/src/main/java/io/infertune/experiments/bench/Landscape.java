package io.infertune.experiments.bench;

import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.SearchSpace;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A synthetic (or replayed) tuning problem with a known optimum: what a strategy is benchmarked on.
 *
 * <p>Synthetic functions borrow a name from the metric vocabulary for their objective and
 * constraint metrics (the domain validates names); the name carries no meaning there.
 *
 * @implNote implementations are immutable and thread-safe; all randomness comes from the {@code
 *     noise} generator passed to {@link #evaluate}.
 */
public interface Landscape {
  /** The name used on the command line and in reports. */
  String name();

  SearchSpace space();

  Objective objective();

  /** Constraints on the metrics that {@link #evaluate} reports besides the objective. */
  default List<Constraint> constraints() {
    return List.of();
  }

  /** The best noiseless objective value among feasible configurations. */
  double optimum();

  /**
   * The scale of "within 1 % of the optimum": {@code |optimum|} unless a landscape says otherwise
   * (when the optimum is near zero, use the objective's range over the domain).
   */
  default double scale() {
    return Math.abs(optimum());
  }

  /** Evaluates {@code configuration}; {@code noise} is drawn from only by noisy landscapes. */
  Outcome evaluate(Configuration configuration, RandomGenerator noise);

  /** What one evaluation gave. */
  sealed interface Outcome {
    /**
     * A measured evaluation.
     *
     * @param observed the objective value the strategy is told (noisy where the landscape is)
     * @param truth the noiseless objective value, which the benchmark scores
     * @param metrics constraint metric values by name
     */
    record Measured(double observed, double truth, Map<String, Double> metrics) implements Outcome {
      public Measured {
        if (!Double.isFinite(observed) || !Double.isFinite(truth)) {
          throw new IllegalArgumentException("objective values must be finite");
        }
        metrics = Map.copyOf(metrics);
      }

      /** A noiseless evaluation without constraint metrics. */
      public static Measured exact(double value) {
        return new Measured(value, value, Map.of());
      }
    }

    /** The configuration crashed (for example out of memory). */
    record Failed(String reason) implements Outcome {
      public Failed {
        Objects.requireNonNull(reason, "reason");
      }
    }
  }
}
